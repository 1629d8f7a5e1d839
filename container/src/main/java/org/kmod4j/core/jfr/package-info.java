/**
 * The container's JDK Flight Recorder events ({@code org.kmod4j.ModuleLoad}, {@code ModuleUnload},
 * {@code GracePeriod}, {@code InitFailure}, {@code Taint}). With no recording running, each costs
 * an allocation and a {@code shouldCommit()} check.
 */
package org.kmod4j.core.jfr;
