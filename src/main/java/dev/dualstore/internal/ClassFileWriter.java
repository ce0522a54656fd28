package dev.dualstore.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one class file of version 61 (Java 17): a constant pool, fields, and methods whose code
 * has no branches and no exception handlers, so it needs no StackMapTable. Class names are
 * internal names ({@code java/lang/Object}, or a descriptor for an array class). Not thread-safe;
 * one instance writes one class.
 */
final class ClassFileWriter {
    static final int ACC_PUBLIC = 0x0001;
    static final int ACC_PRIVATE = 0x0002;
    static final int ACC_STATIC = 0x0008;
    static final int ACC_FINAL = 0x0010;
    static final int ACC_SUPER = 0x0020;

    private static final int VERSION_17 = 61;

    private final ByteArrayOutputStream pool = new ByteArrayOutputStream();
    private final DataOutputStream poolOut = new DataOutputStream(pool);
    private final Map<String, Integer> constants = new HashMap<>();
    private int poolCount = 1;
    private final List<byte[]> fields = new ArrayList<>();
    private final List<byte[]> methods = new ArrayList<>();
    private final int access;
    private final int thisClass;
    private final int superClass;
    private final int[] interfaces;

    ClassFileWriter(int access, String name, String superName, List<String> interfaceNames) {
        this.access = access;
        this.thisClass = classRef(name);
        this.superClass = classRef(superName);
        this.interfaces = interfaceNames.stream().mapToInt(this::classRef).toArray();
    }

    void field(int fieldAccess, String name, String descriptor) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        write(() -> {
            out.writeShort(fieldAccess);
            out.writeShort(utf8(name));
            out.writeShort(utf8(descriptor));
            out.writeShort(0);
        });
        fields.add(bytes.toByteArray());
    }

    /** Starts a method; {@link CodeWriter#end()} adds it to the class. */
    CodeWriter method(int methodAccess, String name, String descriptor) {
        int receiver = (methodAccess & ACC_STATIC) != 0 ? 0 : 1;
        return new CodeWriter(this, methodAccess, utf8(name), utf8(descriptor),
                receiver + CodeWriter.argumentSlots(descriptor));
    }

    void addMethod(byte[] method) {
        methods.add(method);
    }

    byte[] toByteArray() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        write(() -> {
            out.writeInt(0xCAFEBABE);
            out.writeShort(0);
            out.writeShort(VERSION_17);
            out.writeShort(poolCount);
            pool.writeTo(out);
            out.writeShort(access);
            out.writeShort(thisClass);
            out.writeShort(superClass);
            out.writeShort(interfaces.length);
            for (int i : interfaces) {
                out.writeShort(i);
            }
            writeAll(out, fields);
            writeAll(out, methods);
            out.writeShort(0); // no class attributes
        });
        return bytes.toByteArray();
    }

    // ---------------------------------------------------------------- the constant pool

    int utf8(String value) {
        return constant("U" + value, () -> {
            poolOut.writeByte(1);
            // The class file's Utf8 is Java's modified UTF-8, as writeUTF writes it.
            poolOut.writeUTF(value);
        });
    }

    int classRef(String internalName) {
        int name = utf8(internalName);
        return constant("C" + internalName, () -> {
            poolOut.writeByte(7);
            poolOut.writeShort(name);
        });
    }

    int string(String value) {
        int utf8 = utf8(value);
        return constant("S" + value, () -> {
            poolOut.writeByte(8);
            poolOut.writeShort(utf8);
        });
    }

    int integer(int value) {
        return constant("I" + value, () -> {
            poolOut.writeByte(3);
            poolOut.writeInt(value);
        });
    }

    int fieldRef(String owner, String name, String descriptor) {
        return memberRef(9, owner, name, descriptor);
    }

    int methodRef(String owner, String name, String descriptor, boolean ownerIsInterface) {
        return memberRef(ownerIsInterface ? 11 : 10, owner, name, descriptor);
    }

    private int memberRef(int tag, String owner, String name, String descriptor) {
        int ownerIndex = classRef(owner);
        int nameIndex = utf8(name);
        int descriptorIndex = utf8(descriptor);
        int nameAndType = constant("N" + name + ' ' + descriptor, () -> {
            poolOut.writeByte(12);
            poolOut.writeShort(nameIndex);
            poolOut.writeShort(descriptorIndex);
        });
        return constant("M" + tag + ' ' + owner + '.' + name + descriptor, () -> {
            poolOut.writeByte(tag);
            poolOut.writeShort(ownerIndex);
            poolOut.writeShort(nameAndType);
        });
    }

    /** The index of the constant with this key, writing it first if it is new. */
    private int constant(String key, IoAction writeIt) {
        Integer index = constants.get(key);
        if (index != null) {
            return index;
        }
        write(writeIt);
        int added = poolCount++;
        if (added > 0xFFFF) {
            throw new IllegalArgumentException("too many constants for one class file");
        }
        constants.put(key, added);
        return added;
    }

    private static void writeAll(DataOutputStream out, List<byte[]> items) throws IOException {
        out.writeShort(items.size());
        for (byte[] item : items) {
            out.write(item);
        }
    }

    /** Writes to memory, which cannot fail; this only hides the checked exception. */
    static void write(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }
}
