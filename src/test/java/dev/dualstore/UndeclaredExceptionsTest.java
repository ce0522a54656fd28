package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A primary that throws a checked exception its interface does not declare (Kotlin code, Lombok's
 * {@code @SneakyThrows}) reaches the caller as that same exception, as a direct call would, not
 * wrapped in an {@code UndeclaredThrowableException}.
 */
class UndeclaredExceptionsTest {

    interface Ledger {
        @Read
        String balance(@Key String account);

        @Write
        void post(@Key String account, String entry);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable t) throws E {
        throw (E) t;
    }

    @Test
    void anUndeclaredCheckedExceptionFromThePrimaryReachesTheCallerUnwrapped() {
        IOException readFailure = new IOException("disk gone");
        IOException writeFailure = new IOException("disk full");
        List<Mismatch> mismatches = new ArrayList<>();
        Ledger primary = new Ledger() {
            @Override
            public String balance(String account) {
                sneakyThrow(readFailure);
                return null;
            }

            @Override
            public void post(String account, String entry) {
                sneakyThrow(writeFailure);
            }
        };
        Ledger secondary = new Ledger() {
            @Override
            public String balance(String account) {
                return "0";
            }

            @Override
            public void post(String account, String entry) {
            }
        };
        try (MirroringBackend<Ledger> backend = MirroringBackend.builder(Ledger.class)
                .primary("old", primary).secondary("new", secondary).logMismatches(false)
                .mismatchListener(mismatches::add).meterRegistry(new SimpleMeterRegistry()).build()) {
            assertThat(catchThrowable(() -> backend.proxy().balance("a"))).isSameAs(readFailure);
            assertThat(catchThrowable(() -> backend.proxy().post("a", "1"))).isSameAs(writeFailure);
            assertThat(backend.drain(Duration.ofSeconds(10))).isTrue();
            assertThat(mismatches).singleElement().satisfies(m -> assertThat(m.expected().exception()).isSameAs(readFailure));
        }
    }
}
