package org.kmod4j.core;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Who waits for which operation in progress (a load, a request): the wait-for graph that lets
 * the merge layers and the same-name and provider waits refuse, with EDEADLK, a wait that would
 * never end because the operation waited for is, directly or through other waits, waiting for
 * the caller. Linux avoids these cycles by construction (a module's init cannot load itself);
 * here module code may call back into the container from anywhere, so they are detected.
 *
 * <p>A {@link Node} is one operation; the threads acting for it are its leader and, for a
 * bounded init, the init's own thread. A thread acts for every node on its stack (nested loads
 * from an init). A wait on node {@code n} closes a cycle if following "acting thread → node it
 * waits on" from {@code n} reaches a node the caller acts for. Checking and registering a wait
 * happen under one monitor, so of two waits that close a cycle together the second sees the
 * first. The monitor is held for the check only, never across a wait or module code.
 */
final class WaitGraph {
    /** An operation others may wait on. */
    static class Node {
        private final Set<Thread> actors = new CopyOnWriteArraySet<>();
    }

    private final Map<Thread, Node> waitingOn = new HashMap<>();
    private final ThreadLocal<Deque<Node>> acting = ThreadLocal.withInitial(ArrayDeque::new);

    /** The calling thread starts acting for {@code n} (it leads it); pair with {@link #leave}. */
    void enter(Node n) {
        acting.get().push(n);
        n.actors.add(Thread.currentThread());
    }

    void leave(Node n) {
        Deque<Node> stack = acting.get();
        stack.remove(n);
        n.actors.remove(Thread.currentThread());
        if (stack.isEmpty()) {
            acting.remove();
        }
    }

    /** What the calling thread acts for, to hand to a helper thread (a bounded init). */
    List<Node> actingFor() {
        return List.copyOf(acting.get());
    }

    /** The calling (helper) thread acts for {@code nodes} as well; pair with {@link #leaveAll}. */
    void enterAll(List<Node> nodes) {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            enter(nodes.get(i));
        }
    }

    void leaveAll(List<Node> nodes) {
        for (Node n : nodes) {
            leave(n);
        }
    }

    /**
     * Registers that the calling thread is about to wait for {@code target}.
     *
     * @return false, registering nothing, if the wait would close a cycle
     */
    synchronized boolean beginWait(Node target) {
        Set<Node> mine = new HashSet<>(acting.get());
        Thread me = Thread.currentThread();
        Deque<Node> work = new ArrayDeque<>();
        Set<Node> seen = new HashSet<>();
        work.push(target);
        seen.add(target);
        while (!work.isEmpty()) {
            Node n = work.pop();
            if (mine.contains(n)) {
                return false;
            }
            for (Thread t : n.actors) {
                if (t == me) {
                    return false;
                }
                Node next = waitingOn.get(t);
                if (next != null && seen.add(next)) {
                    work.push(next);
                }
            }
        }
        waitingOn.put(me, target);
        return true;
    }

    synchronized void endWait() {
        waitingOn.remove(Thread.currentThread());
    }

    /** Whether the calling thread acts for nothing and waits for nothing (checks at rest). */
    synchronized boolean idleOnThisThread() {
        return acting.get().isEmpty() && !waitingOn.containsKey(Thread.currentThread());
    }

    /** Threads registered as waiting now (checks at quiescence: none). */
    synchronized int waiting() {
        return waitingOn.size();
    }
}
