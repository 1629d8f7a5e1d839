package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Guarded;
import org.kmod4j.api.Module;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** Generated guarded proxies: what a call passes, returns and throws, and what the proxy itself answers. */
public class GuardedProxyTest extends KernelTestBase {

    /** Every kind of parameter and return slot, a default method, a checked exception. */
    public interface Shapes {
        long mix(boolean z, byte b, char c, short s, int i, long j, float f, double d, Object o);

        double twice(double d);

        void touch(int[] box);

        String fail(String why) throws IOException;

        default String greet(String who) {
            return "default " + who;
        }

        default String plain() {
            return "interface default";
        }
    }

    static final class Impl implements Shapes {
        @Override
        public long mix(boolean z, byte b, char c, short s, int i, long j, float f, double d, Object o) {
            return (z ? 1 : 0) + b + c + s + i + j + (long) f + (long) d + o.hashCode();
        }

        @Override
        public double twice(double d) {
            return 2 * d;
        }

        @Override
        public void touch(int[] box) {
            box[0]++;
        }

        @Override
        public String fail(String why) throws IOException {
            throw new IOException(why);
        }

        @Override
        public String greet(String who) {
            return "impl " + who;
        }

        @Override
        public String toString() {
            return "impl";
        }
    }

    @Test
    public void argumentsAndResultsPassThroughUnchanged() throws Exception {
        Module m = kernel.load(jars.module("m"), null);
        Shapes s = Guarded.service(m, Shapes.class, new Impl());
        Object o = new Object();
        assertEquals(new Impl().mix(true, (byte) 2, 'c', (short) 4, 5, 1L << 40, 7.5f, 8.25, o),
                s.mix(true, (byte) 2, 'c', (short) 4, 5, 1L << 40, 7.5f, 8.25, o));
        assertEquals(3.0, s.twice(1.5), 0);
        int[] box = {0};
        s.touch(box);
        assertEquals(1, box[0]);
    }

    @Test
    public void defaultMethodsRunTheTargetsOverrideElseTheDefaultOnTheTarget() throws Exception {
        Module m = kernel.load(jars.module("m"), null);
        Shapes s = Guarded.service(m, Shapes.class, new Impl());
        assertEquals("impl x", s.greet("x"));
        assertEquals("interface default", s.plain());
    }

    @Test
    public void aCheckedExceptionReachesTheCallerUnwrappedAndTheSectionIsClosed() throws Exception {
        Module m = kernel.load(jars.module("m"), null);
        Shapes s = Guarded.service(m, Shapes.class, new Impl());
        try {
            s.fail("boom");
            fail("no exception");
        } catch (IOException e) {
            assertEquals("boom", e.getMessage());
        }
        // a section left open by the throw would make this grace period wait forever
        java.util.concurrent.CompletableFuture.runAsync(m.domain()::synchronize).get(5, TimeUnit.SECONDS);
    }

    @Test
    public void equalsHashCodeAndToStringAreTheProxysOwnAndNeverEnter() throws Exception {
        Module m = kernel.load(jars.module("m"), null);
        Shapes s = Guarded.service(m, Shapes.class, new Impl());
        Shapes other = Guarded.service(m, Shapes.class, new Impl());
        kernel.unload("m", null); // entering would now throw ENOENT
        assertTrue(s.equals(s));
        assertFalse(s.equals(other));
        assertEquals(System.identityHashCode(s), s.hashCode());
        assertNotEquals(s.toString(), "impl");
        assertEquals("Guarded[Shapes -> m: impl]", s.toString());
        expect(Errno.ENOENT, () -> s.greet("x"));
    }

    @Test
    public void oneHiddenClassPerInterface() throws Exception {
        Module m = kernel.load(jars.module("m"), null);
        Shapes a = Guarded.service(m, Shapes.class, new Impl());
        Shapes b = Guarded.service(m, Shapes.class, new Impl());
        assertTrue(a.getClass().isHidden());
        assertSame(a.getClass(), b.getClass());
        assertFalse(Proxy.isProxyClass(a.getClass()));
    }

    @Test
    public void onlyPublicInterfacesAreAccepted() throws Exception {
        Module m = kernel.load(jars.module("m"), null);
        try {
            Guarded.service(m, Object.class, new Object());
            fail("a class is not an interface");
        } catch (IllegalArgumentException expected) {
            // expected
        }
        try {
            Guarded.service(m, Hidden.class, () -> { });
            fail("a package-private interface cannot be implemented from another package");
        } catch (IllegalArgumentException expected) {
            // expected
        }
    }

    interface Hidden {
        void run();
    }

    /** The call path has no reflection, no array and no boxing: read the generated bytecode. */
    @Test
    public void theGeneratedCallPathBoxesNothingAndBuildsNoArray() throws Exception {
        List<String> seen = new ArrayList<>();
        new ClassReader(GuardedProxyClasses.bytes(Shapes.class)).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int op, String owner, String n, String d, boolean itf) {
                        seen.add(owner + "." + n);
                    }

                    @Override
                    public void visitTypeInsn(int op, String type) {
                        if (op == Opcodes.ANEWARRAY || op == Opcodes.NEW) {
                            seen.add("new " + type);
                        }
                    }

                    @Override
                    public void visitIntInsn(int op, int operand) {
                        if (op == Opcodes.NEWARRAY) {
                            seen.add("newarray");
                        }
                    }
                };
            }
        }, 0);
        for (String s : seen) {
            assertFalse(s, s.startsWith("java/lang/reflect") || s.endsWith(".valueOf") || s.startsWith("new"));
        }
        assertTrue(seen.contains("org/kmod4j/core/GuardedProxyTest$Shapes.mix"));
    }

    /** The class cache lives on the interface: a module's interface and loader can still be collected. */
    @Test
    public void aProxyClassDoesNotPinTheInterfacesLoader() throws Exception {
        Module m = kernel.load(jars.module("m"), null);
        WeakReference<ClassLoader> loader = proxyOfAnInterfaceInItsOwnLoader(m);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (loader.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull("the interface's loader was collected", loader.get());
    }

    private static WeakReference<ClassLoader> proxyOfAnInterfaceInItsOwnLoader(Module m) throws Exception {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT,
                "gen/Api", null, "java/lang/Object", null);
        cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT, "answer", "()I", null, null).visitEnd();
        cw.visitEnd();
        byte[] bytes = cw.toByteArray();
        ClassLoader own = new ClassLoader("module-api", GuardedProxyTest.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (name.equals("gen.Api")) {
                    return defineClass(name, bytes, 0, bytes.length);
                }
                throw new ClassNotFoundException(name);
            }
        };
        @SuppressWarnings("unchecked")
        Class<Object> api = (Class<Object>) own.loadClass("gen.Api");
        Object target = Proxy.newProxyInstance(own, new Class<?>[] {api}, (p, method, args) -> 42);
        Object guarded = Guarded.service(m, api, target);
        assertEquals(42, api.getMethod("answer").invoke(guarded));
        return new WeakReference<>(own);
    }
}
