package dev.starfall.schemas.serde;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

import dev.starfall.schemas.registry.HttpSchemaRegistryClient;
import dev.starfall.schemas.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;

/**
 * Serdes for generated Avro classes in the Confluent wire format, with subjects named by the topic
 * ({@code <topic>-key} / {@code <topic>-value}, Confluent's TopicNameStrategy).
 *
 * <p>Serdes built here are already configured: Kafka's later {@code configure} calls do not replace
 * their client or type. Serializers and deserializers instantiated by class name read
 * {@link #SCHEMA_REGISTRY_URL_CONFIG} and {@link #SPECIFIC_VALUE_TYPE_CONFIG} /
 * {@link #SPECIFIC_KEY_TYPE_CONFIG} instead.
 */
public final class AvroSerdes {

    /** Base URL of the registry, or a comma-separated list of them. */
    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    /** Fully-qualified name of the generated class that record keys are read as. */
    public static final String SPECIFIC_KEY_TYPE_CONFIG = "specific.avro.key.type";
    /** Fully-qualified name of the generated class that record values are read as. */
    public static final String SPECIFIC_VALUE_TYPE_CONFIG = "specific.avro.value.type";

    /** Clients of serdes configured by class name, one per URL list, so their caches are shared. */
    private static final ConcurrentMap<String, SchemaRegistryClient> CLIENTS = new ConcurrentHashMap<>();

    private AvroSerdes() {
    }

    /** A serde for {@code type} that registers its writer schema on first use per topic. */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, SchemaRegistryClient client, boolean isKey) {
        return Serdes.serdeFrom(new AvroSerializer<>(type, client, isKey), new AvroDeserializer<>(type, client, isKey));
    }

    /** The subject of a topic's keys or values: {@code <topic>-key} or {@code <topic>-value}. */
    public static String subject(String topic, boolean isKey) {
        Objects.requireNonNull(topic, "topic");
        return topic + (isKey ? "-key" : "-value");
    }

    /** The client for {@link #SCHEMA_REGISTRY_URL_CONFIG}, shared between serdes with the same URL. */
    static SchemaRegistryClient clientFrom(Map<String, ?> configs) {
        Object value = configs.get(SCHEMA_REGISTRY_URL_CONFIG);
        String url;
        if (value instanceof String s) {
            url = s.trim();
        } else if (value instanceof Collection<?> list) {
            url = list.stream().map(String::valueOf).map(String::trim).collect(Collectors.joining(","));
        } else {
            url = "";
        }
        if (url.isEmpty()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG, value, "Missing schema registry URL");
        }
        try {
            return CLIENTS.computeIfAbsent(url, HttpSchemaRegistryClient::new);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG, value, e.getMessage());
        }
    }

    /** The generated class named by {@code specific.avro.key.type} or {@code specific.avro.value.type}, or null when absent. */
    static Class<? extends SpecificRecord> typeFrom(Map<String, ?> configs, boolean isKey) {
        String name = isKey ? SPECIFIC_KEY_TYPE_CONFIG : SPECIFIC_VALUE_TYPE_CONFIG;
        Object value = configs.get(name);
        Class<?> type;
        if (value == null || value instanceof String s && s.isBlank()) {
            return null;
        } else if (value instanceof Class<?> c) {
            type = c;
        } else if (value instanceof String s) {
            try {
                type = Class.forName(s.trim(), true, Utils.getContextOrKafkaClassLoader());
            } catch (ClassNotFoundException e) {
                throw new ConfigException(name, value, "Class not found");
            }
        } else {
            throw new ConfigException(name, value, "Expected a fully-qualified class name");
        }
        if (!SpecificRecord.class.isAssignableFrom(type)) {
            throw new ConfigException(name, value, "Not a generated Avro class (does not implement " + SpecificRecord.class.getName() + ")");
        }
        return type.asSubclass(SpecificRecord.class);
    }
}
