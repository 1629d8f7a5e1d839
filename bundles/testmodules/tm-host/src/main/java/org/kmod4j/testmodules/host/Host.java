package org.kmod4j.testmodules.host;

/** The host's only class: fragments attach to acc.host. */
public final class Host {
    private Host() {
    }
}
