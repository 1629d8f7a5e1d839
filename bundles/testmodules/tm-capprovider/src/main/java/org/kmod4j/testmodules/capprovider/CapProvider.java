package org.kmod4j.testmodules.capprovider;

/** The bundle's only class: what matters is its Provide-Capability header (see the pom). */
public final class CapProvider {
    private CapProvider() {
    }
}
