package dev.dualstore.internal;

import static dev.dualstore.internal.ClassFileWriter.ACC_FINAL;
import static dev.dualstore.internal.ClassFileWriter.ACC_PRIVATE;
import static dev.dualstore.internal.ClassFileWriter.ACC_PUBLIC;
import static dev.dualstore.internal.ClassFileWriter.ACC_STATIC;
import static dev.dualstore.internal.ClassFileWriter.ACC_SUPER;
import static dev.dualstore.internal.CodeWriter.AALOAD;
import static dev.dualstore.internal.CodeWriter.AASTORE;
import static dev.dualstore.internal.CodeWriter.ACONST_NULL;
import static dev.dualstore.internal.CodeWriter.ANEWARRAY;
import static dev.dualstore.internal.CodeWriter.CHECKCAST;
import static dev.dualstore.internal.CodeWriter.DUP;
import static dev.dualstore.internal.CodeWriter.GETFIELD;
import static dev.dualstore.internal.CodeWriter.GETSTATIC;
import static dev.dualstore.internal.CodeWriter.INVOKEINTERFACE;
import static dev.dualstore.internal.CodeWriter.INVOKESPECIAL;
import static dev.dualstore.internal.CodeWriter.INVOKESTATIC;
import static dev.dualstore.internal.CodeWriter.INVOKEVIRTUAL;
import static dev.dualstore.internal.CodeWriter.POP;
import static dev.dualstore.internal.CodeWriter.PUTFIELD;
import static dev.dualstore.internal.CodeWriter.PUTSTATIC;

import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.List;

/**
 * The class files that {@link ProxyClasses} defines. A proxy class names only the interfaces it
 * implements, the types in their method signatures, and java.base types ({@code Object},
 * {@code InvocationHandler}, {@code Method}, the boxes): never a dualstore type, so it links in
 * any package of any module. Stateless.
 */
final class ProxyClassBytes {
    /** The instance field holding the handler. */
    static final String HANDLER = "handler";
    /** Prefix of the private method {@code (Object[])Object} that runs a default body on the proxy. */
    static final String DEFAULT_BODY = "default$";
    /** The package-private static method of the lookup class. */
    static final String LOOKUP = "lookup";

    private static final String OBJECT = "java/lang/Object";
    private static final String METHOD = "java/lang/reflect/Method";
    private static final String METHOD_DESCRIPTOR = "Ljava/lang/reflect/Method;";
    private static final String HANDLER_TYPE = "java/lang/reflect/InvocationHandler";
    private static final String HANDLER_DESCRIPTOR = "Ljava/lang/reflect/InvocationHandler;";
    private static final String LOOKUP_DESCRIPTOR = "()Ljava/lang/invoke/MethodHandles$Lookup;";

    private ProxyClassBytes() {}

    /** One method the proxy class implements, and the index of the method the handler is told about. */
    record Forward(Method signature, int target) {}

    /**
     * A proxy class. Static field {@code m<i>} holds {@code methods.get(i)}, read in
     * {@code <clinit>} from the class data, which must be {@code methods.toArray()}.
     *
     * @param forwards every method to implement: each passes the proxy, its target method and its
     *                 arguments to the handler, and returns what the handler returns
     * @param defaults indexes into {@code methods} of the default methods whose bodies
     *                 {@code default$<i>} runs; each declaring interface is in {@code interfaces}
     */
    static byte[] proxy(String name, List<String> interfaces, List<Method> methods, List<Forward> forwards,
            List<Integer> defaults) {
        ClassFileWriter cf = new ClassFileWriter(ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, OBJECT, interfaces);
        cf.field(ACC_PRIVATE | ACC_FINAL, HANDLER, HANDLER_DESCRIPTOR);
        for (int i = 0; i < methods.size(); i++) {
            cf.field(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, "m" + i, METHOD_DESCRIPTOR);
        }
        constructor(cf, name);
        staticInitializer(cf, name, methods.size());
        for (Forward f : forwards) {
            forward(cf, name, f.signature(), f.target());
        }
        for (int i : defaults) {
            defaultBody(cf, i, methods.get(i));
        }
        return cf.toByteArray();
    }

    /**
     * A package-private class whose static {@code lookup()} returns a full-privilege lookup in its
     * package: what defining a hidden class there needs, when dualstore's private access to the
     * package lacks module access (the package is in another module or class loader).
     */
    static byte[] lookupClass(String name) {
        ClassFileWriter cf = new ClassFileWriter(ACC_FINAL | ACC_SUPER, name, OBJECT, List.of());
        cf.method(ACC_STATIC, LOOKUP, LOOKUP_DESCRIPTOR)
                .invoke(INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup", LOOKUP_DESCRIPTOR, false)
                .returnValue(Object.class)
                .end();
        return cf.toByteArray();
    }

    private static void constructor(ClassFileWriter cf, String self) {
        cf.method(ACC_PUBLIC, "<init>", "(" + HANDLER_DESCRIPTOR + ")V")
                .load(Object.class, 0)
                .invoke(INVOKESPECIAL, OBJECT, "<init>", "()V", false)
                .load(Object.class, 0)
                .load(Object.class, 1)
                .field(PUTFIELD, self, HANDLER, HANDLER_DESCRIPTOR)
                .returnValue(void.class)
                .end();
    }

    private static void staticInitializer(ClassFileWriter cf, String self, int count) {
        CodeWriter code = cf.method(ACC_STATIC, "<clinit>", "()V")
                .invoke(INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup", LOOKUP_DESCRIPTOR, false)
                .ldc(cf.string("_"))
                .ldc(cf.classRef("[Ljava/lang/Object;"))
                .invoke(INVOKESTATIC, "java/lang/invoke/MethodHandles", "classData",
                        "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;",
                        false)
                .type(CHECKCAST, "[Ljava/lang/Object;")
                .storeReference(0);
        for (int i = 0; i < count; i++) {
            code.load(Object.class, 0)
                    .push(i)
                    .op(AALOAD, -1)
                    .type(CHECKCAST, METHOD)
                    .field(PUTSTATIC, self, "m" + i, METHOD_DESCRIPTOR);
        }
        code.returnValue(void.class).end();
    }

    /** {@code return (R) handler.invoke(this, m<target>, args)}, args null when there are none. */
    private static void forward(ClassFileWriter cf, String self, Method signature, int target) {
        Class<?>[] parameters = signature.getParameterTypes();
        Class<?> returnType = signature.getReturnType();
        CodeWriter code = cf.method(ACC_PUBLIC | ACC_FINAL, signature.getName(),
                        MethodType.methodType(returnType, parameters).toMethodDescriptorString())
                .load(Object.class, 0)
                .field(GETFIELD, self, HANDLER, HANDLER_DESCRIPTOR)
                .load(Object.class, 0)
                .field(GETSTATIC, self, "m" + target, METHOD_DESCRIPTOR);
        if (parameters.length == 0) {
            // As java.lang.reflect.Proxy does: a handler written for it sees the same arguments.
            code.op(ACONST_NULL, 1);
        } else {
            code.push(parameters.length).type(ANEWARRAY, OBJECT);
            int slot = 1;
            for (int i = 0; i < parameters.length; i++) {
                code.op(DUP, 1).push(i).load(parameters[i], slot);
                box(code, parameters[i]);
                code.op(AASTORE, -3);
                slot += CodeWriter.slots(parameters[i]);
            }
        }
        code.invoke(INVOKEINTERFACE, HANDLER_TYPE, "invoke",
                "(Ljava/lang/Object;" + METHOD_DESCRIPTOR + "[Ljava/lang/Object;)Ljava/lang/Object;", true);
        if (returnType == void.class) {
            code.op(POP, -1);
        } else {
            unboxOrCast(code, returnType);
        }
        code.returnValue(returnType).end();
    }

    /** {@code private Object default$<i>(Object[] args)}: {@code Iface.super.m(args...)}, boxed. */
    private static void defaultBody(ClassFileWriter cf, int index, Method m) {
        Class<?>[] parameters = m.getParameterTypes();
        CodeWriter code = cf.method(ACC_PRIVATE | ACC_FINAL, DEFAULT_BODY + index,
                        "([Ljava/lang/Object;)Ljava/lang/Object;")
                .load(Object.class, 0);
        for (int i = 0; i < parameters.length; i++) {
            code.load(Object.class, 1).push(i).op(AALOAD, -1);
            unboxOrCast(code, parameters[i]);
        }
        Class<?> returnType = m.getReturnType();
        code.invoke(INVOKESPECIAL, internalName(m.getDeclaringClass()), m.getName(),
                MethodType.methodType(returnType, parameters).toMethodDescriptorString(), true);
        if (returnType == void.class) {
            code.op(ACONST_NULL, 1);
        } else {
            box(code, returnType);
        }
        code.returnValue(Object.class).end();
    }

    private static void box(CodeWriter code, Class<?> type) {
        if (type.isPrimitive()) {
            Class<?> box = MethodType.methodType(type).wrap().returnType();
            code.invoke(INVOKESTATIC, internalName(box), "valueOf",
                    MethodType.methodType(box, type).toMethodDescriptorString(), false);
        }
    }

    /**
     * Turns the Object on the stack into a {@code type}: a cast, or a cast to its box and an
     * unboxing call, which throws NullPointerException for null, as java.lang.reflect.Proxy does.
     */
    private static void unboxOrCast(CodeWriter code, Class<?> type) {
        if (type == Object.class) {
            return;
        }
        if (!type.isPrimitive()) {
            code.type(CHECKCAST, internalName(type));
            return;
        }
        Class<?> box = MethodType.methodType(type).wrap().returnType();
        code.type(CHECKCAST, internalName(box))
                .invoke(INVOKEVIRTUAL, internalName(box), type.getName() + "Value",
                        MethodType.methodType(type).toMethodDescriptorString(), false);
    }

    /** The name a class file uses for a class: binary name with slashes, or an array's descriptor. */
    static String internalName(Class<?> type) {
        return type.isArray() ? type.descriptorString() : type.getName().replace('.', '/');
    }
}
