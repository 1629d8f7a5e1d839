/**
 * The kmod4j module API: the {@link org.kmod4j.api.ModuleContainer} service, modules, their
 * contexts, SRCU domains, notifiers and typed errors. Compile against the {@code kmod4j-api}
 * artifact (provided scope); at run time the kmod4j container exports this package from the
 * system bundle.
 *
 * <p>The package version follows OSGi semantic versioning and is checked by bnd baselining:
 * interfaces marked {@code @ProviderType} are implemented only by the container (a method added
 * to them is a minor change), those marked {@code @ConsumerType} are implemented by modules and
 * other bundles (a method added to them is a major change).
 */
@Export
@Version("0.1.0")
package org.kmod4j.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
