package org.kmod4j.api;

import java.math.BigInteger;
import java.util.Locale;

/** Types of module parameters, named as Linux {@code module_param} types are. */
public enum ParameterType {
    /** Any text (Linux {@code charp}). */
    STRING("string"),
    /** y/n, 1/0, on/off, true/false; canonical form {@code true}/{@code false}. */
    BOOL("bool"),
    /** An integer 0..255 (Linux {@code byte} is unsigned). */
    BYTE("byte"),
    /** A signed 16-bit integer. */
    SHORT("short"),
    /** An unsigned 16-bit integer. */
    USHORT("ushort"),
    /** A signed 32-bit integer. */
    INT("int"),
    /** An unsigned 32-bit integer. */
    UINT("uint"),
    /** A signed 64-bit integer. */
    LONG("long"),
    /** An unsigned 64-bit integer. */
    ULONG("ulong"),
    /** A finite floating-point number (no Linux counterpart). */
    DOUBLE("double");

    private static final BigInteger ULONG_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final String typeName;

    ParameterType(String typeName) {
        this.typeName = typeName;
    }

    /** The name used in the manifest and shown by modinfo. */
    public String typeName() {
        return typeName;
    }

    /**
     * The type with this name; {@code charp} is accepted for {@link #STRING}.
     *
     * @throws ModuleException EINVAL for an unknown type name
     */
    public static ParameterType of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("charp")) {
            return STRING;
        }
        for (ParameterType t : values()) {
            if (t.typeName.equals(n)) {
                return t;
            }
        }
        throw new ModuleException(Errno.EINVAL, "unknown parameter type '" + name + "'");
    }

    /**
     * Checks {@code value} and returns it in canonical form (bool as {@code true}/{@code false},
     * numbers without leading zeros or signs).
     *
     * @throws IllegalArgumentException if the value is not of this type or out of its range
     */
    public String canonical(String value) {
        switch (this) {
            case STRING:
                return value;
            case BOOL:
                return Boolean.toString(parseBool(value));
            case DOUBLE:
                try {
                    double d = Double.parseDouble(value.trim());
                    if (Double.isNaN(d) || Double.isInfinite(d)) {
                        throw new IllegalArgumentException("not a finite number: '" + value + "'");
                    }
                    return Double.toString(d);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a number: '" + value + "'");
                }
            default:
                return integer(value).toString();
        }
    }

    private BigInteger integer(String value) {
        BigInteger v;
        try {
            v = new BigInteger(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer: '" + value + "'");
        }
        BigInteger min;
        BigInteger max;
        switch (this) {
            case BYTE: min = BigInteger.ZERO; max = BigInteger.valueOf(255); break;
            case SHORT: min = BigInteger.valueOf(Short.MIN_VALUE); max = BigInteger.valueOf(Short.MAX_VALUE); break;
            case USHORT: min = BigInteger.ZERO; max = BigInteger.valueOf(65535); break;
            case INT: min = BigInteger.valueOf(Integer.MIN_VALUE); max = BigInteger.valueOf(Integer.MAX_VALUE); break;
            case UINT: min = BigInteger.ZERO; max = BigInteger.valueOf(4294967295L); break;
            case LONG: min = BigInteger.valueOf(Long.MIN_VALUE); max = BigInteger.valueOf(Long.MAX_VALUE); break;
            case ULONG: min = BigInteger.ZERO; max = ULONG_MAX; break;
            default: throw new AssertionError(this);
        }
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw new IllegalArgumentException("'" + value + "' is out of range for " + typeName
                    + " [" + min + ", " + max + "]");
        }
        return v;
    }

    /** Linux {@code param_set_bool}/{@code kstrtobool}: y/n, 1/0, on/off, true/false. */
    private static boolean parseBool(String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "y": case "yes": case "1": case "on": case "true":
                return true;
            case "n": case "no": case "0": case "off": case "false":
                return false;
            default:
                throw new IllegalArgumentException("not a bool (y/n, 1/0, on/off, true/false): '" + value + "'");
        }
    }
}
