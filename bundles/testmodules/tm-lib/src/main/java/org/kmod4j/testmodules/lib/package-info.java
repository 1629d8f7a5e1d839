/** The package tm_lib exports; importing it makes a module a holder of tm_lib. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.kmod4j.testmodules.lib;
