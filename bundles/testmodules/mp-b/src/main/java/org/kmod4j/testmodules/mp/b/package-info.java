/** The package mp_b exports; importing it makes a module depend on mp_b. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.kmod4j.testmodules.mp.b;
