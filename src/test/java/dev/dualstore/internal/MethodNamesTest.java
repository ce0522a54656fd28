package dev.dualstore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** classifyByName() reads the verb a method's name starts with, as a whole camel-case word. */
class MethodNamesTest {
    @Test
    void readVerbsMakeReads() {
        for (String name : new String[] {"find", "findById", "findAllByOwner", "get", "getOwner", "read", "readAll", "query",
                "queryByCity", "search", "searchText", "stream", "streamAll", "count", "countByType", "exists", "existsById",
                "find_by_id", "get2"}) {
            assertThat(MethodNames.kindOf(name)).as(name).isEqualTo(EngineConfig.Kind.READ);
        }
    }

    @Test
    void writeVerbsMakeWrites() {
        for (String name : new String[] {"save", "saveAll", "insert", "insertOwner", "update", "updateCity", "delete",
                "deleteById", "remove", "removeAll"}) {
            assertThat(MethodNames.kindOf(name)).as(name).isEqualTo(EngineConfig.Kind.WRITE);
        }
    }

    @Test
    void otherNamesAndVerbsThatAreOnlyAPrefixAreLeftAlone() {
        for (String name : new String[] {"finder", "getaway", "readiness", "counter", "saved", "updater", "deleted",
                "removeable", "ping", "fetch", "load", "persist", "merge", "streamline", "isActive", ""}) {
            assertThat(MethodNames.kindOf(name)).as(name).isNull();
        }
    }
}
