/** The package mp_e exports; importing it makes a module depend on mp_e. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.kmod4j.testmodules.mp.e;
