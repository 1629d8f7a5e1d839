/** Pax Exam options for testing kmod4j modules: {@link org.kmod4j.paxexam.KmodPaxExam#kmod4j()}. */
package org.kmod4j.paxexam;
