package dev.dualstore.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.dualstore.MismatchKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class without equals whose fields dualstore may not read: it lives in a package of a named
 * module that exports it but does not open it. Such objects are compared with equals, and the
 * diagnosis says why; nothing throws.
 */
class UnreadableFieldsTest {

    @TempDir
    static Path dir;
    private static Constructor<?> sealed;

    @BeforeAll
    static void compileALockedModule() throws Exception {
        Path src = dir.resolve("src/locked");
        Files.createDirectories(src.resolve("com/example/locked"));
        Files.writeString(src.resolve("module-info.java"), "module locked { exports com.example.locked; }");
        Files.writeString(src.resolve("com/example/locked/Sealed.java"), """
                package com.example.locked;

                public class Sealed {
                    private final int n;

                    public Sealed(int n) {
                        this.n = n;
                    }
                }
                """);
        Path out = dir.resolve("out/locked");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = ToolProvider.findFirst("javac").orElseThrow().run(System.out,
                new PrintStream(errors, true, StandardCharsets.UTF_8), "-d", out.toString(),
                src.resolve("module-info.java").toString(), src.resolve("com/example/locked/Sealed.java").toString());
        assertThat(rc).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        Configuration cf = ModuleLayer.boot().configuration().resolve(ModuleFinder.of(out), ModuleFinder.of(), Set.of("locked"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
        sealed = layer.findLoader("locked").loadClass("com.example.locked.Sealed").getConstructor(int.class);
    }

    @Test
    void theFieldsReallyCannotBeRead() throws Exception {
        assertThat(sealed.getDeclaringClass().getModule().isNamed()).isTrue();
        assertThat(sealed.getDeclaringClass().getDeclaredField("n").trySetAccessible()).isFalse();
    }

    @Test
    void objectsWhoseFieldsCannotBeReadAreComparedWithEqualsAndTheDiagnosisSaysWhy() throws Exception {
        Object one = sealed.newInstance(1);
        Object another = sealed.newInstance(1);

        assertThatCode(() -> DeepEquality.equal(one, another)).doesNotThrowAnyException();
        assertThat(DeepEquality.equal(one, another)).isFalse();   // Object.equals: identity
        assertThat(DeepEquality.equal(one, one)).isTrue();
        assertThat(DeepEquality.equal(List.of(one), List.of(another))).isFalse();
        assertThat(DeepEquality.hash(List.of(one))).isEqualTo(DeepEquality.hash(List.of(one)));

        Diagnosis d = Diagnosis.of(one, another);
        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(d.difference()).isEqualTo("Sealed values differ (compared with equals: field n of"
                + " com.example.locked.Sealed is not open to dev.dualstore (opens com.example.locked to dev.dualstore))");
        assertThatCode(() -> Diagnosis.of(List.of(one), List.of(another))).doesNotThrowAnyException();
    }
}
