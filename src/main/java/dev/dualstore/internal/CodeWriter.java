package dev.dualstore.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;

/**
 * Writes the Code attribute of one method, one instruction at a time, and counts the operand
 * stack as it goes so that max_stack is right by construction. Straight-line code only: there
 * are no jumps and no exception table. Not thread-safe.
 */
final class CodeWriter {
    static final int ACONST_NULL = 0x01;
    static final int AALOAD = 0x32;
    static final int AASTORE = 0x53;
    static final int POP = 0x57;
    static final int DUP = 0x59;
    static final int ARETURN = 0xb0;
    static final int RETURN = 0xb1;
    static final int GETSTATIC = 0xb2;
    static final int PUTSTATIC = 0xb3;
    static final int GETFIELD = 0xb4;
    static final int PUTFIELD = 0xb5;
    static final int INVOKEVIRTUAL = 0xb6;
    static final int INVOKESPECIAL = 0xb7;
    static final int INVOKESTATIC = 0xb8;
    static final int INVOKEINTERFACE = 0xb9;
    static final int ANEWARRAY = 0xbd;
    static final int CHECKCAST = 0xc0;

    private static final int ICONST_0 = 0x03;
    private static final int BIPUSH = 0x10;
    private static final int SIPUSH = 0x11;
    private static final int LDC = 0x12;
    private static final int LDC_W = 0x13;
    private static final int ILOAD = 0x15;
    private static final int ASTORE = 0x3a;
    private static final int IRETURN = 0xac;

    private final ClassFileWriter classFile;
    private final int access;
    private final int name;
    private final int descriptor;
    private final ByteArrayOutputStream code = new ByteArrayOutputStream();
    private int maxLocals;
    private int stack;
    private int maxStack;

    CodeWriter(ClassFileWriter classFile, int access, int name, int descriptor, int parameterSlots) {
        this.classFile = classFile;
        this.access = access;
        this.name = name;
        this.descriptor = descriptor;
        this.maxLocals = parameterSlots;
    }

    /** An instruction without operands that changes the stack depth by {@code stackChange}. */
    CodeWriter op(int opcode, int stackChange) {
        code.write(opcode);
        return stacked(stackChange);
    }

    /** Pushes an int constant. */
    CodeWriter push(int value) {
        if (value >= -1 && value <= 5) {
            code.write(ICONST_0 + value);
        } else if (value == (byte) value) {
            code.write(BIPUSH);
            code.write(value);
        } else if (value == (short) value) {
            code.write(SIPUSH);
            u2(value);
        } else {
            return ldc(classFile.integer(value));
        }
        return stacked(1);
    }

    /** Pushes a constant from the pool: a String, a Class or an int. */
    CodeWriter ldc(int constant) {
        if (constant <= 0xFF) {
            code.write(LDC);
            code.write(constant);
        } else {
            code.write(LDC_W);
            u2(constant);
        }
        return stacked(1);
    }

    /** Pushes local {@code slot}, which holds a value of {@code type}. */
    CodeWriter load(Class<?> type, int slot) {
        code.write(ILOAD + kind(type));
        local(slot);
        return stacked(slots(type));
    }

    CodeWriter storeReference(int slot) {
        code.write(ASTORE);
        local(slot);
        maxLocals = Math.max(maxLocals, slot + 1);
        return stacked(-1);
    }

    /** Returns a value of {@code type} (void included) from the top of the stack. */
    CodeWriter returnValue(Class<?> type) {
        if (type == void.class) {
            return op(RETURN, 0);
        }
        return op(IRETURN + kind(type), -slots(type));
    }

    CodeWriter field(int opcode, String owner, String fieldName, String fieldDescriptor) {
        code.write(opcode);
        u2(classFile.fieldRef(owner, fieldName, fieldDescriptor));
        int size = slots(fieldDescriptor.charAt(0));
        return stacked(switch (opcode) {
            case GETSTATIC -> size;
            case PUTSTATIC -> -size;
            case GETFIELD -> size - 1;
            default -> -size - 1;
        });
    }

    CodeWriter invoke(int opcode, String owner, String methodName, String methodDescriptor, boolean ownerIsInterface) {
        code.write(opcode);
        u2(classFile.methodRef(owner, methodName, methodDescriptor, ownerIsInterface));
        int arguments = argumentSlots(methodDescriptor) + (opcode == INVOKESTATIC ? 0 : 1);
        if (opcode == INVOKEINTERFACE) {
            code.write(arguments);
            code.write(0);
        }
        return stacked(slots(methodDescriptor.charAt(methodDescriptor.indexOf(')') + 1)) - arguments);
    }

    /** An instruction naming a class: checkcast or anewarray, which leave the depth as it is. */
    CodeWriter type(int opcode, String internalName) {
        code.write(opcode);
        u2(classFile.classRef(internalName));
        return this;
    }

    /** Adds the method, with its Code attribute, to the class. */
    void end() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        int codeAttribute = classFile.utf8("Code");
        ClassFileWriter.write(() -> {
            out.writeShort(access);
            out.writeShort(name);
            out.writeShort(descriptor);
            out.writeShort(1);
            out.writeShort(codeAttribute);
            out.writeInt(12 + code.size());
            out.writeShort(maxStack);
            out.writeShort(maxLocals);
            out.writeInt(code.size());
            code.writeTo(out);
            out.writeShort(0); // no exception table: whatever the code throws propagates unchanged
            out.writeShort(0); // no attributes: no branches, so no StackMapTable
        });
        classFile.addMethod(bytes.toByteArray());
    }

    /** The local variable slots that the arguments of a method descriptor take. */
    static int argumentSlots(String methodDescriptor) {
        int total = 0;
        int i = 1;
        while (methodDescriptor.charAt(i) != ')') {
            char c = methodDescriptor.charAt(i);
            total += slots(c);
            while (methodDescriptor.charAt(i) == '[') {
                i++;
            }
            i = methodDescriptor.charAt(i) == 'L' ? methodDescriptor.indexOf(';', i) + 1 : i + 1;
        }
        return total;
    }

    static int slots(Class<?> type) {
        return type == void.class ? 0 : type == long.class || type == double.class ? 2 : 1;
    }

    private static int slots(char descriptorStart) {
        return descriptorStart == 'V' ? 0 : descriptorStart == 'J' || descriptorStart == 'D' ? 2 : 1;
    }

    /** The offset of a type's load and return instructions from iload and ireturn. */
    private static int kind(Class<?> type) {
        if (!type.isPrimitive()) {
            return 4;
        }
        return type == long.class ? 1 : type == float.class ? 2 : type == double.class ? 3 : 0;
    }

    private void local(int slot) {
        if (slot > 0xFF) {
            // A method has at most 255 parameter slots, so the short form always suffices here.
            throw new IllegalArgumentException("local variable slot " + slot + " needs a wide instruction");
        }
        code.write(slot);
    }

    private CodeWriter stacked(int change) {
        stack += change;
        maxStack = Math.max(maxStack, stack);
        return this;
    }

    private void u2(int value) {
        code.write(value >>> 8);
        code.write(value);
    }
}
