package org.kmod4j.testmodules.capuser;

/** The bundle's only class: what matters is its Require-Capability header (see the pom). */
public final class CapUser {
    private CapUser() {
    }
}
