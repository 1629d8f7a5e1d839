package org.kmod4j.core;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.kmod4j.core.srcu.SrcuLane;
import org.kmod4j.core.srcu.SrcuReaderCell;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Generates one guarded proxy class per interface, as a hidden class: a subclass of
 * {@link GuardedProxy} whose methods call the target directly (invokeinterface) between the
 * binding's lock and unlock. No reflection, no argument array, no boxing on the call path.
 *
 * <p>The class must see the interface (the module's or the API bundle's class loader) and the
 * container's runtime classes (the framework's class loader). A {@link Loader} per interface
 * bridges the two; it holds one anchor class whose lookup defines the hidden class. The class is
 * cached in a {@link ClassValue} on the interface, so it lives exactly as long as the interface:
 * no class loader is pinned by the cache.
 */
final class GuardedProxyClasses {
    private static final String PACKAGE = "org/kmod4j/guarded/";
    private static final String BASE = Type.getInternalName(GuardedProxy.class);
    private static final String SOURCE = Type.getInternalName(ServiceSource.class);
    private static final String BINDING = Type.getInternalName(ServiceBinding.class);
    private static final String LANE = Type.getInternalName(SrcuLane.class);
    private static final String CELL = Type.getInternalName(SrcuReaderCell.class);
    /** Object's public methods an interface may redeclare; the proxy keeps its own. */
    private static final Set<String> OBJECT_METHODS =
            Set.of("equals(Ljava/lang/Object;)Z", "hashCode()I", "toString()Ljava/lang/String;");

    private static final ClassValue<MethodHandle> CONSTRUCTORS = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            return define(type);
        }
    };

    private GuardedProxyClasses() {
    }

    /** A new proxy of {@code type} over {@code source}. */
    static <T> T newProxy(Class<T> type, ServiceSource source) {
        check(type);
        try {
            return type.cast(CONSTRUCTORS.get(type).invoke(source, type.getSimpleName()));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("guarded proxy of " + type.getName() + ": " + e, e);
        }
    }

    /** @throws IllegalArgumentException unless {@code type} is a public interface */
    static void check(Class<?> type) {
        if (!type.isInterface()) {
            throw new IllegalArgumentException(type.getName() + " is not an interface");
        }
        if (!Modifier.isPublic(type.getModifiers())) {
            throw new IllegalArgumentException(type.getName() + " is not public: a guarded proxy cannot implement it");
        }
    }

    private static MethodHandle define(Class<?> type) {
        Loader loader = new Loader(type.getClassLoader());
        try {
            // the anchor's own lookup: full privilege in its package (privateLookupIn from the
            // container's module would lack module access)
            MethodHandles.Lookup anchor = (MethodHandles.Lookup) loader.anchor().getMethod("lookup").invoke(null);
            MethodHandles.Lookup proxy = anchor.defineHiddenClass(bytes(type), true);
            return proxy.findConstructor(proxy.lookupClass(),
                    MethodType.methodType(void.class, ServiceSource.class, String.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("guarded proxy of " + type.getName() + ": " + e, e);
        }
    }

    /** The proxy class file: constructor plus one forwarding method per interface method. */
    static byte[] bytes(Class<?> type) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object"; // only reached for locals that are dead at the merge
            }
        };
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER,
                PACKAGE + "Guarded", null, BASE, new String[] {Type.getInternalName(type)});
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>",
                "(L" + SOURCE + ";Ljava/lang/String;)V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitVarInsn(Opcodes.ALOAD, 1);
        init.visitVarInsn(Opcodes.ALOAD, 2);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, BASE, "<init>", "(L" + SOURCE + ";Ljava/lang/String;)V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        for (Method m : methods(type).values()) {
            forward(cw, m);
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** Every instance method the proxy must implement, once per name and descriptor. */
    private static Map<String, Method> methods(Class<?> type) {
        Map<String, Method> methods = new LinkedHashMap<>();
        for (Method m : type.getMethods()) {
            String key = m.getName() + Type.getMethodDescriptor(m);
            if (Modifier.isStatic(m.getModifiers()) || OBJECT_METHODS.contains(key)) {
                continue;
            }
            if (!Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
                throw new IllegalArgumentException(m.getDeclaringClass().getName()
                        + " is not public: a guarded proxy cannot call " + m.getName() + " through it");
            }
            methods.putIfAbsent(key, m);
        }
        return methods;
    }

    private static void forward(ClassWriter cw, Method m) {
        String desc = Type.getMethodDescriptor(m);
        String owner = Type.getInternalName(m.getDeclaringClass());
        Type[] args = Type.getArgumentTypes(desc);
        int firstLocal = 1;
        for (Type a : args) {
            firstLocal += a.getSize();
        }
        int binding = firstLocal;
        int lane = firstLocal + 1;
        int thrown = firstLocal + 2;
        int target = firstLocal + 3;
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL, m.getName(), desc, null, null);
        Label retry = new Label();
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        mv.visitCode();
        mv.visitTryCatchBlock(start, end, handler, null);
        Label follow = new Label();
        Label locked = new Label();
        mv.visitLabel(retry);
        // a fixed source: its binding and reader table from this proxy's own fields
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, BASE, "fixed", "L" + BINDING + ";");
        mv.visitVarInsn(Opcodes.ASTORE, binding);
        mv.visitVarInsn(Opcodes.ALOAD, binding);
        mv.visitJumpInsn(Opcodes.IFNULL, follow);
        loadTarget(mv, binding, target);
        mv.visitVarInsn(Opcodes.ALOAD, binding);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, BASE, "fixedReaders", "[L" + CELL + ";");
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, BINDING, "lock", "([L" + CELL + ";)L" + LANE + ";", false);
        mv.visitVarInsn(Opcodes.ASTORE, lane);
        mv.visitJumpInsn(Opcodes.GOTO, locked);
        // a following source: whichever binding it has now
        mv.visitLabel(follow);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, BASE, "source", "L" + SOURCE + ";");
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, SOURCE, "binding", "()L" + BINDING + ";", false);
        mv.visitVarInsn(Opcodes.ASTORE, binding);
        loadTarget(mv, binding, target);
        mv.visitVarInsn(Opcodes.ALOAD, binding);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, BINDING, "lock", "()L" + LANE + ";", false);
        mv.visitVarInsn(Opcodes.ASTORE, lane);
        mv.visitLabel(locked);
        mv.visitVarInsn(Opcodes.ALOAD, lane);
        mv.visitJumpInsn(Opcodes.IFNULL, retry);
        mv.visitLabel(start);
        mv.visitVarInsn(Opcodes.ALOAD, target);
        mv.visitTypeInsn(Opcodes.CHECKCAST, owner);
        int slot = 1;
        for (Type a : args) {
            mv.visitVarInsn(a.getOpcode(Opcodes.ILOAD), slot);
            slot += a.getSize();
        }
        mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, owner, m.getName(), desc, true);
        mv.visitLabel(end);
        mv.visitVarInsn(Opcodes.ALOAD, lane);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, LANE, "unlock", "()V", false);
        mv.visitInsn(Type.getReturnType(desc).getOpcode(Opcodes.IRETURN));
        mv.visitLabel(handler);
        mv.visitVarInsn(Opcodes.ASTORE, thrown);
        mv.visitVarInsn(Opcodes.ALOAD, lane);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, LANE, "unlock", "()V", false);
        mv.visitVarInsn(Opcodes.ALOAD, thrown);
        mv.visitInsn(Opcodes.ATHROW);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /**
     * The target before the lock: the binding is immutable, and the load then overlaps the read
     * lock's instead of waiting behind its fence.
     */
    private static void loadTarget(MethodVisitor mv, int binding, int target) {
        mv.visitVarInsn(Opcodes.ALOAD, binding);
        mv.visitFieldInsn(Opcodes.GETFIELD, BINDING, "target", "Ljava/lang/Object;");
        mv.visitVarInsn(Opcodes.ASTORE, target);
    }

    /**
     * Sees the interface's class loader (its parent) and, for the container's own classes, the
     * loader that defined this one. Holds the anchor class the hidden proxy is defined beside.
     */
    static final class Loader extends ClassLoader {
        private static final String RUNTIME = GuardedProxy.class.getPackageName() + ".";
        private static final String ANCHOR = PACKAGE + "Anchor";

        static {
            registerAsParallelCapable();
        }

        Loader(ClassLoader parent) {
            super("kmod4j-guarded", parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith(RUNTIME)) {
                return GuardedProxy.class.getClassLoader().loadClass(name);
            }
            return super.loadClass(name, resolve);
        }

        Class<?> anchor() {
            String lookup = "java/lang/invoke/MethodHandles$Lookup";
            ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
            cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, ANCHOR, null,
                    "java/lang/Object", null);
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "lookup", "()L" + lookup + ";",
                    null, null);
            mv.visitCode();
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup", "()L" + lookup + ";",
                    false);
            mv.visitInsn(Opcodes.ARETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
            cw.visitEnd();
            byte[] b = cw.toByteArray();
            return defineClass(ANCHOR.replace('/', '.'), b, 0, b.length);
        }
    }
}
