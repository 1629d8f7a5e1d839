/**
 * bnd bundle annotations that generate a module's manifest headers, one per field like Linux's
 * {@code MODULE_*} macros. No hand-written manifest is needed.
 */
package org.kmod4j.api.annotation;
