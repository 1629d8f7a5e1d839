package org.kmod4j.modprobe;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Kahn's topological sort in layers: every node comes after the nodes it depends on, and the
 * nodes of one layer do not depend on each other, so a layer can load in parallel. Input order
 * is kept inside a layer.
 */
final class TopoOrder {

    private TopoOrder() {
    }

    /** A dependency cycle: the nodes left over. */
    static final class CycleException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient List<Object> nodes;

        CycleException(List<Object> nodes) {
            super("dependency cycle among " + nodes);
            this.nodes = nodes;
        }
    }

    /**
     * @param nodes the nodes
     * @param dependencies what a node depends on; nodes outside {@code nodes} and self edges are ignored
     * @throws CycleException if the nodes depend on each other in a cycle
     */
    static <T> List<List<T>> layers(Collection<T> nodes, Function<T, Collection<T>> dependencies) {
        Map<T, Set<T>> pending = new LinkedHashMap<>();
        for (T n : nodes) {
            Set<T> deps = new LinkedHashSet<>();
            Collection<T> d = dependencies.apply(n);
            if (d != null) {
                for (T x : d) {
                    if (!x.equals(n) && nodes.contains(x)) {
                        deps.add(x);
                    }
                }
            }
            pending.put(n, deps);
        }
        List<List<T>> layers = new ArrayList<>();
        while (!pending.isEmpty()) {
            List<T> layer = new ArrayList<>();
            for (Map.Entry<T, Set<T>> e : pending.entrySet()) {
                if (e.getValue().isEmpty()) {
                    layer.add(e.getKey());
                }
            }
            if (layer.isEmpty()) {
                throw new CycleException(new ArrayList<>(pending.keySet()));
            }
            for (T done : layer) {
                pending.remove(done);
            }
            for (Set<T> deps : pending.values()) {
                deps.removeAll(layer);
            }
            layers.add(layer);
        }
        return layers;
    }

    /** The layers flattened: one valid sequential order. */
    static <T> List<T> order(Collection<T> nodes, Function<T, Collection<T>> dependencies) {
        List<T> out = new ArrayList<>();
        for (List<T> layer : layers(nodes, dependencies)) {
            out.addAll(layer);
        }
        return out;
    }
}
