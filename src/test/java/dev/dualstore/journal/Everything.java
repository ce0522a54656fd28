package dev.dualstore.journal;

import dev.dualstore.Key;
import dev.dualstore.Write;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** A DAO whose writes take every kind of value the built-in codec covers. */
public interface Everything {
    enum Color { RED, GREEN }

    record Point(int x, int y) {
    }

    record Shape(String name, Color color, List<Point> points, Map<String, Shape> children, byte[] bytes) {
    }

    @Write
    void primitives(@Key String id, int i, long l, double d, float f, boolean b, char c, short s, byte y);

    @Write
    void boxed(@Key String id, Integer i, Long l, Double d, Boolean b, Character c, String nothing);

    @Write
    void values(@Key UUID id, Color color, Point point, Shape shape, BigDecimal decimal, BigInteger big);

    @Write
    void collections(@Key long id, List<Point> points, Set<String> tags, Map<Long, List<Integer>> map,
            Collection<? extends Color> colors, int[] ints, String[] strings, Point[][] grid, byte[] bytes);

    @Write
    void times(@Key String id, Instant instant, LocalDate date, LocalDateTime local, OffsetDateTime offset,
            ZonedDateTime zoned, Duration duration);
}
