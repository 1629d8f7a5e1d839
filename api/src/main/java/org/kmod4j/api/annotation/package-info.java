/**
 * bnd bundle annotations that generate a module's manifest headers, one per field like Linux's
 * {@code MODULE_*} macros. No hand-written manifest is needed.
 */
@Export
@Version("0.1.0")
package org.kmod4j.api.annotation;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
