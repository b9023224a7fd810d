package io.zeroserve.ebpf;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The helpers a host offers, by symbol name. Immutable; build with {@link #builder()}. */
public final class HelperTable {
    private final Map<String, Helper> helpers;
    private final Map<String, String> unsupported;

    private HelperTable(Builder builder) {
        this.helpers = Map.copyOf(builder.helpers);
        this.unsupported = Map.copyOf(builder.unsupported);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<Helper> helper(String name) {
        return Optional.ofNullable(helpers.get(name));
    }

    /** Why a declared-but-unavailable helper cannot be used (the loader puts this in its error), if it is one. */
    public Optional<String> unsupportedReason(String name) {
        return Optional.ofNullable(unsupported.get(name));
    }

    public Set<String> names() {
        return helpers.keySet();
    }

    public static final class Builder {
        private final Map<String, Helper> helpers = new LinkedHashMap<>();
        private final Map<String, String> unsupported = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder add(String name, Helper helper) {
            if (helpers.putIfAbsent(name, helper) != null) {
                throw new IllegalArgumentException("helper registered twice: " + name);
            }
            return this;
        }

        /** Declares a helper name that scripts may reference but that fails the load with {@code reason}. */
        public Builder unsupported(String name, String reason) {
            unsupported.put(name, reason);
            return this;
        }

        public HelperTable build() {
            return new HelperTable(this);
        }
    }
}
