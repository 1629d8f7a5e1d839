/**
 * {@code java -jar kmod4j.jar}: a thin starter. It checks and locks the state directory
 * ({@link org.kmod4j.launcher.StateDirectory}, before Felix touches it), starts Felix with Gogo
 * on its class path, installs the container extension, the commands, modprobe, management and
 * kmod4j-admin from its own jar ({@link org.kmod4j.launcher.EmbeddedBundles}), and opens the shell
 * or runs {@code -c}. As a client ({@code kmod4j lsmod}) it only speaks the control socket's
 * wire format ({@link org.kmod4j.launcher.ControlClient}).
 *
 * <p>How the launcher and the container talk, without reflection: they do not. The
 * {@code org.kmod4j.api} classes belong to the container bundle (the framework decides which
 * class loader defines them), so code on the launcher's class path cannot link against them;
 * everything that needs the API runs in bundles compiled against it. Restore, the modules loaded
 * at start (the examples), the deploy folder, the control socket and the oops report are
 * kmod4j-admin's. The launcher configures it through framework properties and learns what it did
 * (restored modules, loaded ones, deploy folder, socket) from the properties of the service it
 * registers once its start work is done ({@link org.kmod4j.launcher.AdminState}): plain framework
 * state with JDK types, read through the OSGi framework API the launcher has anyway. Property
 * names are {@code org.kmod4j.admin.AdminProperties} constants, compiled in (javac copies
 * constants; the class is not needed at run time), so a renamed one fails the build. {@code -c}
 * and the shell run Gogo commands through the Gogo API, which the system bundle exports from the
 * launcher's class path.
 */
package org.kmod4j.launcher;
