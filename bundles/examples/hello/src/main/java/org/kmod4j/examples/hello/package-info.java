/** The hello example module's service interface. */
@Export
@Version("1.0.0")
package org.kmod4j.examples.hello;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
