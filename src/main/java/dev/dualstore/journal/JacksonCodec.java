package dev.dualstore.journal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.AbstractDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.ser.impl.UnknownSerializer;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link ArgumentCodec} over Jackson, for values the built-in codec does not cover (classes that
 * are not records, your own Jackson modules): the arguments as one JSON array, each value written
 * and read by the mapper for its parameter's declared (generic) type.
 *
 * <pre>{@code
 * JdbcJournal journal = JdbcJournal.builder(dataSource, "dualstore_journal")
 *         .codec(JacksonCodec.of(objectMapper)).build();
 * }</pre>
 *
 * <p>Needs jackson-databind 2.12 or later on the class path, an optional dependency of dualstore
 * (a class of its own, so {@link ArgumentCodec} never refers to Jackson). {@link #check}, run by
 * a backend's {@code build()}, asks the mapper for each parameter type's serializer and
 * deserializer and refuses, naming the method and the parameter, a type it could only fail on:
 * no constructor or creator to make it, an abstract type without type information, a bean with
 * no properties. Threadsafe as the mapper is: configure it first and do not change it after.
 */
public final class JacksonCodec implements ArgumentCodec {
    /** A method's readers and writers, one per parameter. */
    private record Parameters(ObjectWriter[] writers, ObjectReader[] readers) {
    }

    private final ObjectMapper mapper;
    private final Map<Method, Parameters> parameters = new ConcurrentHashMap<>();

    private JacksonCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * @param mapper the mapper, configured
     * @return a codec over it
     */
    public static JacksonCodec of(ObjectMapper mapper) {
        return new JacksonCodec(Objects.requireNonNull(mapper, "mapper"));
    }

    @Override
    public void check(Method write) {
        Type[] types = write.getGenericParameterTypes();
        for (int i = 0; i < types.length; i++) {
            String why = unsupported(mapper.getTypeFactory().constructType(types[i]));
            if (why != null) {
                throw new IllegalArgumentException(write.getDeclaringClass().getSimpleName() + "." + write.getName()
                        + ": parameter " + i + " (" + types[i].getTypeName() + ") cannot be journaled by the Jackson"
                        + " codec: " + why);
            }
        }
    }

    private String unsupported(JavaType type) {
        try {
            JsonSerializer<Object> serializer = mapper.getSerializerProviderInstance().findTypedValueSerializer(type,
                    true, null);
            if (serializer instanceof UnknownSerializer && mapper.isEnabled(SerializationFeature.FAIL_ON_EMPTY_BEANS)) {
                return "Jackson finds no properties to write in " + type.getRawClass().getName();
            }
            DeserializationContext context = ((DefaultDeserializationContext) mapper.getDeserializationContext())
                    .createDummyInstance(mapper.getDeserializationConfig());
            JsonDeserializer<Object> deserializer = context.findRootValueDeserializer(type);
            if (deserializer instanceof AbstractDeserializer) {
                return type.getRawClass().getName() + " is abstract and has no type information (@JsonTypeInfo) or"
                        + " mapping to a concrete type";
            }
            if (deserializer instanceof BeanDeserializerBase bean && !bean.getValueInstantiator().canInstantiate()) {
                return "Jackson finds no constructor or creator (@JsonCreator) to make a "
                        + type.getRawClass().getName();
            }
            return null;
        } catch (JsonMappingException e) {
            return e.getOriginalMessage();
        }
    }

    private Parameters of(Method write) {
        return parameters.computeIfAbsent(write, m -> {
            Type[] types = m.getGenericParameterTypes();
            ObjectWriter[] writers = new ObjectWriter[types.length];
            ObjectReader[] readers = new ObjectReader[types.length];
            for (int i = 0; i < types.length; i++) {
                JavaType type = mapper.getTypeFactory().constructType(types[i]);
                writers[i] = mapper.writerFor(type);
                readers[i] = mapper.readerFor(type);
            }
            return new Parameters(writers, readers);
        });
    }

    @Override
    public String encode(Method write, List<Object> arguments) {
        ObjectWriter[] writers = of(write).writers();
        StringWriter out = new StringWriter(32 + 16 * arguments.size());
        try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
            json.writeStartArray();
            for (int i = 0; i < arguments.size(); i++) {
                writers[i].writeValue(json, arguments.get(i));
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new IllegalArgumentException(ArgumentCodec.signature(write) + ": Jackson cannot write its arguments: "
                    + e.getMessage(), e);
        }
        return out.toString();
    }

    @Override
    public Object[] decode(Method write, String encoded) {
        ObjectReader[] readers = of(write).readers();
        // Streamed, not through a tree: a tree would hold a decimal as a double and lose its scale.
        try (JsonParser json = mapper.getFactory().createParser(encoded)) {
            Object[] args = new Object[readers.length];
            if (json.nextToken() != JsonToken.START_ARRAY) {
                throw notArguments(write, readers.length, encoded);
            }
            for (int i = 0; i < readers.length; i++) {
                if (json.nextToken() == JsonToken.END_ARRAY) {
                    throw notArguments(write, readers.length, encoded);
                }
                args[i] = readers[i].readValue(json);
            }
            if (json.nextToken() != JsonToken.END_ARRAY || json.nextToken() != null) {
                throw notArguments(write, readers.length, encoded);
            }
            return args;
        } catch (IOException e) {
            throw new IllegalArgumentException(ArgumentCodec.signature(write) + ": Jackson cannot read its arguments: "
                    + e.getMessage(), e);
        }
    }

    private static IllegalArgumentException notArguments(Method write, int count, String encoded) {
        return new IllegalArgumentException("journaled arguments are not an array of " + count + " values for "
                + ArgumentCodec.signature(write) + ": " + encoded);
    }

    @Override
    public String toString() {
        return "JacksonCodec.of(" + mapper.getClass().getSimpleName() + ")";
    }
}
