package dev.dualstore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.util.Comparator;
import org.junit.jupiter.api.Test;

/**
 * Where proxy classes are defined on the class path: beside the interface, even in another class
 * loader, or in dualstore's own package for an interface whose package is closed to it. The module
 * path cases are in {@code dev.dualstore.ModulePathTest}.
 */
class ProxyPackagesTest {

    interface Local {
        int value();
    }

    @Test
    void anInterfaceOfDualstoresOwnLoaderGetsItsClassBesideItAndNothingElse() {
        ProxyClasses.Generated<Local> generated = ProxyClasses.generate(Local.class, ProxyClasses.methodsOf(Local.class));

        assertThat(generated.newInstance((p, m, a) -> 3).value()).isEqualTo(3);
        assertThat(generated.proxyClass().getPackageName()).isEqualTo(Local.class.getPackageName());
        assertThatThrownBy(() -> Class.forName(Local.class.getPackageName() + ".Dualstore$$Lookup", false,
                Local.class.getClassLoader())).isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void aJdkInterfaceClosedToDualstoreGetsItsClassInDualstoresPackage() throws Throwable {
        ProxyClasses.Generated<?> generated = ProxyClasses.generate(Comparator.class, ProxyClasses.methodsOf(Comparator.class));
        @SuppressWarnings("unchecked")
        Comparator<String> proxy = (Comparator<String>) generated.newInstance((p, m, a) -> {
            MethodHandle body = generated.defaultBody(m);
            return body != null ? body.invokeExact(p, a) : ((String) a[0]).compareTo((String) a[1]);
        });

        assertThat(generated.proxyClass().getPackageName()).isEqualTo("dev.dualstore.internal");
        assertThat(proxy.compare("a", "b")).isNegative();
        assertThat(proxy.reversed().compare("a", "b")).isPositive();
    }

    @Test
    void anInterfaceOfAnotherClassLoaderGetsItsClassInThatLoader() throws Exception {
        ClassLoader loader = new IsolatingLoader(IsolatedDao.class.getName());
        Class<?> type = Class.forName(IsolatedDao.class.getName(), true, loader);
        assertThat(type).isNotSameAs(IsolatedDao.class);

        for (int i = 0; i < 2; i++) {
            ProxyClasses.Generated<?> generated = ProxyClasses.generate(type, ProxyClasses.methodsOf(type));
            Object proxy = generated.newInstance((p, m, a) -> {
                MethodHandle body = generated.defaultBody(m);
                return body != null ? body.invoke(p, a) : "stored";
            });

            assertThat(generated.proxyClass().getClassLoader()).isSameAs(loader);
            assertThat(generated.proxyClass().getPackageName()).isEqualTo(type.getPackageName());
            assertThat(type.getMethod("describe").invoke(proxy)).isEqualTo("[stored]");
        }
        // Private access from another loader's module cannot define a hidden class; a class of the package can.
        assertThat(Class.forName(type.getPackageName() + ".Dualstore$$Lookup", false, loader).getClassLoader())
                .isSameAs(loader);
    }

    /** Loads one class itself, from the test classes, so that it is another class than the one the test sees. */
    static final class IsolatingLoader extends ClassLoader {
        private final String isolated;

        IsolatingLoader(String isolated) {
            super(ProxyPackagesTest.class.getClassLoader());
            this.isolated = isolated;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(isolated)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }
    }
}
