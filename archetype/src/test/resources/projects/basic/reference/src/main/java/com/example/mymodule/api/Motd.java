package com.example.mymodule.api;

/** The message of the day; the module registers one as an OSGi service while it is loaded. */
public interface Motd {
    /** The message, as configured at load. */
    String message();
}
