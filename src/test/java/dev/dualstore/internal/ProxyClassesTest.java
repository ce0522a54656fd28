package dev.dualstore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Generated proxy classes pass every call to the handler and give back exactly what it returns or throws. */
class ProxyClassesTest {

    interface Primitives {
        boolean z(boolean v);
        byte b(byte v);
        char c(char v);
        short s(short v);
        int i(int v);
        long j(long v);
        float f(float v);
        double d(double v);
        /** Two-slot values between one-slot ones: each argument must come from its own local. */
        double mixed(int a, long b, double c, float d, byte e, char f, short g, boolean h, String s);
    }

    interface Shapes {
        void run(String what);
        String none();
        int[] ints(int[] values);
        String[][] grid(String[][] cells);
        String join(String separator, String... parts);
        <R extends Comparable<R>> R max(List<R> values);
        String f();
        String f(int v);
        String f(long v);
        String f(Object v);
        String f(String v);
        void save() throws IOException;
    }

    interface Base {
        Object get();
        CharSequence name();
    }

    /** Redeclares get with a narrower return type: javac adds a bridge for Base's get. */
    interface Narrow extends Base {
        @Override
        String get();
    }

    interface Wide {
        Object value();
    }

    interface Exact {
        String value();
    }

    /** Inherits value() with two return types and declares nothing: no bridge in any class file. */
    interface Both extends Wide, Exact {}

    interface Greeter {
        String name();

        default String greet(String who, int times) {
            return ("hi " + who + " from " + name() + ";").repeat(times);
        }

        default long twice(long x) {
            return 2 * x;
        }

        default void sign(List<String> log) {
            log.add(name());
        }
    }

    /** Greeter's defaults are declared in a superinterface of this one. */
    interface PoliteGreeter extends Greeter {}

    interface LoudGreeter extends Greeter {
        @Override
        default String greet(String who, int times) {
            return "HI " + who.toUpperCase(java.util.Locale.ROOT);
        }
    }

    interface Described {
        @Override
        String toString();
    }

    private interface Secret {
        int value();
    }

    /** Records the last call and answers with {@link #answer}. */
    static final class Recorder implements InvocationHandler {
        Object proxy;
        Method method;
        Object[] args;
        Object answer;

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            this.proxy = proxy;
            this.method = method;
            this.args = args;
            return answer;
        }
    }

    static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return ProxyClasses.generate(type, ProxyClasses.methodsOf(type)).newInstance(handler);
    }

    static Method method(List<Method> methods, String name, Class<?>... parameters) {
        return methods.stream().filter(m -> m.getName().equals(name) && Arrays.equals(m.getParameterTypes(), parameters))
                .findFirst().orElseThrow();
    }

    /** Throws a checked exception from a method that does not declare it, as Kotlin or Lombok's @SneakyThrows do. */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneakyThrow(Throwable t) throws E {
        throw (E) t;
    }

    @Test
    void primitivesOfEveryTypeReachTheHandlerBoxedAndComeBackUnboxed() {
        InvocationHandler echo = (p, m, a) -> a[0];
        Primitives proxy = proxy(Primitives.class, echo);

        assertThat(proxy.z(true)).isTrue();
        assertThat(proxy.b((byte) -7)).isEqualTo((byte) -7);
        assertThat(proxy.c('\u20ac')).isEqualTo('\u20ac');
        assertThat(proxy.s(Short.MIN_VALUE)).isEqualTo(Short.MIN_VALUE);
        assertThat(proxy.i(-123_456)).isEqualTo(-123_456);
        assertThat(proxy.j(Long.MAX_VALUE - 1)).isEqualTo(Long.MAX_VALUE - 1);
        assertThat(proxy.f(1.5f)).isEqualTo(1.5f);
        assertThat(proxy.d(-0.25)).isEqualTo(-0.25);
    }

    @Test
    void argumentsInTwoSlotsAndOneSlotKeepTheirPlaces() {
        Recorder recorder = new Recorder();
        recorder.answer = 9.75;
        Primitives proxy = proxy(Primitives.class, recorder);

        assertThat(proxy.mixed(1, 2L, 3.5, 4.5f, (byte) 5, 'x', (short) 7, true, "s")).isEqualTo(9.75);
        assertThat(recorder.args).containsExactly(1, 2L, 3.5, 4.5f, (byte) 5, 'x', (short) 7, true, "s");
        assertThat(recorder.proxy).isSameAs(proxy);
    }

    @Test
    void theHandlerIsToldTheSameMethodObjectsItWasGenerated() {
        Recorder recorder = new Recorder();
        List<Method> methods = ProxyClasses.methodsOf(Shapes.class);
        Shapes proxy = ProxyClasses.generate(Shapes.class, methods).newInstance(recorder);

        proxy.f(3L);
        assertThat(recorder.method).isSameAs(method(methods, "f", long.class));
        proxy.f("s");
        assertThat(recorder.method).isSameAs(method(methods, "f", String.class));
        proxy.f((Object) "s");
        assertThat(recorder.method).isSameAs(method(methods, "f", Object.class));
        proxy.f(3);
        assertThat(recorder.method).isSameAs(method(methods, "f", int.class));
        proxy.f();
        assertThat(recorder.method).isSameAs(method(methods, "f"));
    }

    @Test
    void voidArraysVarargsAndGenericsPassThrough() {
        Recorder recorder = new Recorder();
        Shapes proxy = proxy(Shapes.class, recorder);

        recorder.answer = "discarded";
        proxy.run("it");
        assertThat(recorder.method.getName()).isEqualTo("run");
        assertThat(recorder.args).containsExactly("it");

        int[] ints = {1, 2};
        recorder.answer = ints;
        assertThat(proxy.ints(new int[] {3})).isSameAs(ints);
        String[][] grid = {{"a"}, {"b", "c"}};
        recorder.answer = grid;
        assertThat(proxy.grid(grid)).isSameAs(grid);
        assertThat(recorder.args[0]).isSameAs(grid);

        recorder.answer = "a-b";
        assertThat(proxy.join("-", "a", "b")).isEqualTo("a-b");
        assertThat(recorder.args).hasSize(2);
        assertThat((String[]) recorder.args[1]).containsExactly("a", "b");

        recorder.answer = "z";
        String max = proxy.max(List.of("a", "z"));
        assertThat(max).isEqualTo("z");
        assertThat(recorder.args).containsExactly(List.of("a", "z"));
    }

    @Test
    void aMethodWithoutParametersGetsNullArgumentsAsFromTheJdkProxy() {
        Recorder ours = new Recorder();
        Recorder jdks = new Recorder();
        proxy(Shapes.class, ours).none();
        ((Shapes) Proxy.newProxyInstance(Shapes.class.getClassLoader(), new Class<?>[] {Shapes.class}, jdks)).none();

        assertThat(jdks.method.getName()).isEqualTo("none");
        assertThat(ours.method.getName()).isEqualTo("none");
        assertThat(ours.args).isNull();
        assertThat(jdks.args).isNull();
    }

    @Test
    void covariantMethodsAreAllImplementedAndToldAsTheMostSpecificOne() {
        Recorder recorder = new Recorder();
        List<Method> methods = ProxyClasses.methodsOf(Narrow.class);
        Narrow proxy = ProxyClasses.generate(Narrow.class, methods).newInstance(recorder);
        Method get = method(methods, "get");
        assertThat(get.getReturnType()).isEqualTo(String.class);

        recorder.answer = "x";
        assertThat(proxy.get()).isEqualTo("x");
        assertThat(recorder.method).isSameAs(get);
        assertThat(((Base) proxy).get()).isEqualTo("x");
        assertThat(recorder.method).isSameAs(get);
        assertThat(proxy.name()).isEqualTo("x");
        assertThat(recorder.method).isSameAs(method(methods, "name"));

        recorder.answer = 42;
        assertThatThrownBy(proxy::get).isInstanceOf(ClassCastException.class);
    }

    @Test
    void returnTypesInheritedWithoutABridgeAreEachImplemented() {
        Recorder recorder = new Recorder();
        List<Method> methods = ProxyClasses.methodsOf(Both.class);
        Both proxy = ProxyClasses.generate(Both.class, methods).newInstance(recorder);
        recorder.answer = "v";

        assertThat(((Wide) proxy).value()).isEqualTo("v");
        assertThat(recorder.method).isSameAs(method(methods, "value"));
        assertThat(((Exact) proxy).value()).isEqualTo("v");
        assertThat(recorder.method).isSameAs(method(methods, "value"));
        assertThat(recorder.method.getReturnType()).isEqualTo(String.class);
    }

    @Test
    void defaultBodiesRunOnTheProxyWhoseOtherCallsReachTheHandler() throws Throwable {
        for (Class<? extends Greeter> type : List.of(Greeter.class, PoliteGreeter.class)) {
            List<Method> methods = ProxyClasses.methodsOf(type);
            ProxyClasses.Generated<? extends Greeter> generated = ProxyClasses.generate(type, methods);
            InvocationHandler handler = (p, m, a) -> {
                MethodHandle body = generated.defaultBody(m);
                return body != null ? body.invokeExact(p, a) : "proxy";
            };
            Greeter proxy = generated.newInstance(handler);

            assertThat(proxy.greet("bob", 2)).as(type.getSimpleName()).isEqualTo("hi bob from proxy;hi bob from proxy;");
            assertThat(proxy.twice(21L)).isEqualTo(42L);
            List<String> log = new ArrayList<>();
            proxy.sign(log);
            assertThat(log).containsExactly("proxy");
            assertThat(generated.defaultBody(method(methods, "name"))).isNull();
        }
    }

    @Test
    void theMostSpecificDefaultBodyIsTheOneRun() throws Throwable {
        ProxyClasses.Generated<LoudGreeter> generated = ProxyClasses.generate(LoudGreeter.class,
                ProxyClasses.methodsOf(LoudGreeter.class));
        LoudGreeter proxy = generated.newInstance((p, m, a) -> "unused");
        Method greet = LoudGreeter.class.getMethod("greet", String.class, int.class);

        assertThat((Object) generated.defaultBody(greet).invokeExact((Object) proxy, new Object[] {"bob", 1}))
                .isEqualTo("HI BOB");
        assertThatThrownBy(() -> generated.defaultBody(Greeter.class.getMethod("greet", String.class, int.class)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void objectMethodsReachTheHandlerAsObjectsOwnEvenWhenRedeclared() throws Exception {
        Recorder recorder = new Recorder();
        List<Method> methods = ProxyClasses.methodsOf(Described.class);
        Described proxy = ProxyClasses.generate(Described.class, methods).newInstance(recorder);

        recorder.answer = "described";
        assertThat(proxy.toString()).isEqualTo("described");
        assertThat(recorder.method).isEqualTo(Object.class.getMethod("toString")).isSameAs(method(methods, "toString"));
        recorder.answer = 7;
        assertThat(proxy.hashCode()).isEqualTo(7);
        assertThat(recorder.method).isEqualTo(Object.class.getMethod("hashCode"));
        recorder.answer = true;
        assertThat(proxy.equals("other")).isTrue();
        assertThat(recorder.method).isEqualTo(Object.class.getMethod("equals", Object.class));
        assertThat(recorder.args).containsExactly("other");
    }

    @Test
    void aNonPublicNestedInterfaceGetsAHiddenClassInItsOwnPackage() {
        ProxyClasses.requireAccessible(Secret.class);
        ProxyClasses.Generated<Secret> generated = ProxyClasses.generate(Secret.class, ProxyClasses.methodsOf(Secret.class));

        assertThat(generated.newInstance((p, m, a) -> 5).value()).isEqualTo(5);
        assertThat(generated.newInstance((p, m, a) -> 6).value()).isEqualTo(6);
        assertThat(generated.proxyClass().isHidden()).isTrue();
        assertThat(generated.proxyClass().getPackageName()).isEqualTo(Secret.class.getPackageName());
        assertThat(generated.proxyClass().getClassLoader()).isSameAs(Secret.class.getClassLoader());
    }

    @Test
    void anUndeclaredCheckedExceptionReachesTheCallerUnwrapped() {
        IOException thrown = new IOException("from a Kotlin store");
        InvocationHandler handler = (p, m, a) -> {
            throw thrown;
        };

        assertThat(catchThrowable(() -> proxy(Shapes.class, handler).none())).isSameAs(thrown);
        // What this replaces: the JDK's proxy wraps it.
        Shapes jdk = (Shapes) Proxy.newProxyInstance(Shapes.class.getClassLoader(), new Class<?>[] {Shapes.class}, handler);
        assertThat(catchThrowable(jdk::none)).isInstanceOf(UndeclaredThrowableException.class).hasCause(thrown);
    }

    interface Lookup {
        String load(String key);
    }

    /** Throws a checked exception its interface does not declare, as Lombok's @SneakyThrows lets it. */
    static final class SneakyStore implements Lookup {
        final IOException thrown = new IOException("sneaky");

        @Override
        public String load(String key) {
            throw sneakyThrow(thrown);
        }
    }

    @Test
    void aSneakyThrowOfTheTargetReachesTheCallerUnwrapped() {
        SneakyStore target = new SneakyStore();
        InvocationHandler forwarding = (p, m, a) -> {
            try {
                return m.invoke(target, a);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };

        assertThat(catchThrowable(() -> target.load("k"))).isSameAs(target.thrown);
        assertThat(catchThrowable(() -> proxy(Lookup.class, forwarding).load("k"))).isSameAs(target.thrown);
    }

    @Test
    void declaredExceptionsRuntimeExceptionsAndErrorsPassThroughUnchanged() {
        for (Throwable thrown : List.of(new IOException("declared"), new IllegalStateException("runtime"),
                new UncheckedIOException(new IOException()), new StackOverflowError(), new AssertionError("error"))) {
            Shapes proxy = proxy(Shapes.class, (p, m, a) -> {
                throw thrown;
            });
            assertThat(catchThrowable(proxy::save)).isSameAs(thrown);
        }
    }

    @Test
    void nullForAPrimitiveIsANullPointerExceptionAndForAReferenceIsNull() {
        Primitives primitives = proxy(Primitives.class, (p, m, a) -> null);
        Shapes shapes = proxy(Shapes.class, (p, m, a) -> null);

        assertThatThrownBy(() -> primitives.i(1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> primitives.z(true)).isInstanceOf(NullPointerException.class);
        assertThat(shapes.none()).isNull();
        assertThat(shapes.ints(null)).isNull();
    }

    @Test
    void aWrongTypeForAPrimitiveIsAClassCastException() {
        Primitives proxy = proxy(Primitives.class, (p, m, a) -> 1L);

        assertThatThrownBy(() -> proxy.i(1)).isInstanceOf(ClassCastException.class);
        assertThat(proxy.j(2L)).isEqualTo(1L);
    }

    @Test
    void refusesWhatNoClassCanImplement() {
        assertThatThrownBy(() -> ProxyClasses.methodsOf(String.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.String is not an interface");
        assertThatThrownBy(() -> ProxyClasses.methodsOf(Sealed.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sealed");
    }

    @Test
    void refusesAListThatMissesRepeatsOrStraysFromTheInterfacesMethods() throws Exception {
        List<Method> methods = new ArrayList<>(ProxyClasses.methodsOf(Secret.class));
        Method value = method(methods, "value");
        List<Method> missing = methods.stream().filter(m -> m != value).toList();
        List<Method> repeated = new ArrayList<>(methods);
        repeated.add(Secret.class.getMethod("value"));
        List<Method> stray = new ArrayList<>(methods);
        stray.add(Base.class.getMethod("get"));

        assertThatThrownBy(() -> ProxyClasses.generate(Secret.class, missing)).hasMessageContaining("no method given for [value()]");
        assertThatThrownBy(() -> ProxyClasses.generate(Secret.class, repeated)).hasMessageContaining("two methods for value()");
        assertThatThrownBy(() -> ProxyClasses.generate(Secret.class, stray)).hasMessageContaining("is not a method of");
        assertThat(ProxyClasses.generate(Secret.class, methods).newInstance((p, m, a) -> 1).value()).isEqualTo(1);
    }

    sealed interface Sealed permits Sealed.Only {
        record Only() implements Sealed {}
    }
}
