/**
 * The module's API: exported, so other modules can import it. A module that imports a package
 * from this one is its holder (lsmod's "Used by"): this module cannot be unloaded while it is
 * loaded. Raise the version as the API changes (semantic versioning).
 */
@Export
@Version("1.0.0")
package ${package}.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
