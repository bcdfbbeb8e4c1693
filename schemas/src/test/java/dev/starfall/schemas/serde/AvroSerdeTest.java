package dev.starfall.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.starfall.schemas.avro.TransferObserved;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private static final String TOPIC = "starfall.transfers.observed.v1";
    private static final String VALUE_SUBJECT = TOPIC + "-value";

    /**
     * {@link #golden()} with schema id 7, computed by hand from the Avro spec (zig-zag varints,
     * length-prefixed UTF-8 strings, decimal as big-endian two's complement bytes, union branch index)
     * and checked field by field in {@link #shouldDecodeTheGoldenBytesFieldByField()}.
     */
    private static final String GOLDEN_HEX = "0000000007"                 // magic 0, schema id 7
            + "12" + "73696D756C61746564"                                   // chain "simulated"
            + "0A" + "73696D2D31"                                           // chainId "sim-1"
            + "08" + "41423132"                                             // txHash "AB12"
            + "04"                                                          // messageIndex 2
            + "8EDA9601"                                                    // blockHeight 1234567
            + "80C0DD8C9B5F"                                                // blockTime 1635724800000
            + "18" + "74657272613173656E646572"                             // sender "terra1sender"
            + "14" + "74657272613164657374"                           // recipient "terra1dest"
            + "08" + "75757364"                                             // denom "uusd"
            + "12" + "008AC7230489E80000"                                   // amount 10^19, 9 bytes
            + "02" + "04" + "6869"                                          // memo: branch 1 (string), "hi"
            + "06" + "73696D"                                               // sourceEndpoint "sim"
            + "8690DE8C9B5F";                                               // observedAt 1635724805123

    /** TransferObserved as it was before {@code memo} was added (memo has a default, so this is compatible). */
    private static final Schema WITHOUT_MEMO = new Schema.Parser().parse("""
            {"type": "record", "name": "TransferObserved", "namespace": "dev.starfall.schemas.avro", "fields": [
              {"name": "chain", "type": "string"},
              {"name": "chainId", "type": "string"},
              {"name": "txHash", "type": "string"},
              {"name": "messageIndex", "type": "int"},
              {"name": "blockHeight", "type": "long"},
              {"name": "blockTime", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "sender", "type": "string"},
              {"name": "recipient", "type": "string"},
              {"name": "denom", "type": "string"},
              {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 78, "scale": 0}},
              {"name": "sourceEndpoint", "type": "string"},
              {"name": "observedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}}
            ]}""");

    /** A later TransferObserved with one more field (with a default) that today's class does not know. */
    private static final Schema WITH_FEE = new Schema.Parser().parse("""
            {"type": "record", "name": "TransferObserved", "namespace": "dev.starfall.schemas.avro", "fields": [
              {"name": "chain", "type": "string"},
              {"name": "chainId", "type": "string"},
              {"name": "txHash", "type": "string"},
              {"name": "messageIndex", "type": "int"},
              {"name": "blockHeight", "type": "long"},
              {"name": "blockTime", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "sender", "type": "string"},
              {"name": "recipient", "type": "string"},
              {"name": "denom", "type": "string"},
              {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 78, "scale": 0}},
              {"name": "memo", "type": ["null", "string"], "default": null},
              {"name": "sourceEndpoint", "type": "string"},
              {"name": "observedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "fee", "type": ["null", {"type": "bytes", "logicalType": "decimal", "precision": 78, "scale": 0}], "default": null}
            ]}""");

    static TransferObserved golden() {
        return TransferObserved.newBuilder()
                .setChain("simulated")
                .setChainId("sim-1")
                .setTxHash("AB12")
                .setMessageIndex(2)
                .setBlockHeight(1_234_567L)
                .setBlockTime(Instant.parse("2021-11-01T00:00:00Z"))
                .setSender("terra1sender")
                .setRecipient("terra1dest")
                .setDenom("uusd")
                .setAmount(new BigDecimal("10000000000000000000"))
                .setMemo("hi")
                .setSourceEndpoint("sim")
                .setObservedAt(Instant.parse("2021-11-01T00:00:05.123Z"))
                .build();
    }

    @Test
    void shouldSerializeTransferObservedToTheGoldenBytes() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(1);
        registry.registerWithId(VALUE_SUBJECT, TransferObserved.getClassSchema(), 7);
        Serde<TransferObserved> serde = AvroSerdes.specific(TransferObserved.class, registry, false);

        byte[] bytes = serde.serializer().serialize(TOPIC, golden());

        assertThat(bytes).startsWith(0x00, 0x00, 0x00, 0x00, 0x07);
        assertThat(HexFormat.of().withUpperCase().formatHex(bytes)).isEqualTo(GOLDEN_HEX);
        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(golden());
    }

    @Test
    void shouldDecodeTheGoldenBytesFieldByField() throws IOException {
        byte[] bytes = HexFormat.of().parseHex(GOLDEN_HEX);
        assertThat(WireFormat.readSchemaId(bytes)).isEqualTo(7);
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);

        assertThat(in.readString()).isEqualTo("simulated");
        assertThat(in.readString()).isEqualTo("sim-1");
        assertThat(in.readString()).isEqualTo("AB12");
        assertThat(in.readInt()).isEqualTo(2);
        assertThat(in.readLong()).isEqualTo(1_234_567L);
        assertThat(Instant.ofEpochMilli(in.readLong())).isEqualTo(Instant.parse("2021-11-01T00:00:00Z"));
        assertThat(in.readString()).isEqualTo("terra1sender");
        assertThat(in.readString()).isEqualTo("terra1dest");
        assertThat(in.readString()).isEqualTo("uusd");
        ByteBuffer amount = in.readBytes(null);
        byte[] unscaled = new byte[amount.remaining()];
        amount.get(unscaled);
        assertThat(new BigInteger(unscaled)).isEqualTo(BigInteger.TEN.pow(19));
        assertThat(in.readIndex()).as("memo union branch").isEqualTo(1);
        assertThat(in.readString()).isEqualTo("hi");
        assertThat(in.readString()).isEqualTo("sim");
        assertThat(Instant.ofEpochMilli(in.readLong())).isEqualTo(Instant.parse("2021-11-01T00:00:05.123Z"));
        assertThat(in.isEnd()).isTrue();
    }

    @Test
    void shouldRoundTripLogicalTypesAsBigDecimalAndInstant() {
        Serde<TransferObserved> serde = AvroSerdes.specific(TransferObserved.class, new InMemorySchemaRegistryClient(1), false);
        TransferObserved big = TransferObserved.newBuilder(golden())
                .setAmount(new BigDecimal(BigInteger.TWO.pow(256).subtract(BigInteger.ONE)))
                .setMemo(null)
                .build();

        TransferObserved read = serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, big));

        assertThat(read).isEqualTo(big);
        assertThat(read.getAmount()).isInstanceOf(BigDecimal.class).isEqualByComparingTo(big.getAmount());
        assertThat(read.getBlockTime()).isInstanceOf(Instant.class).isEqualTo(big.getBlockTime());
        assertThat(read.getMemo()).isNull();
    }

    @Test
    void shouldReadRecordsWrittenWithTheOlderSchemaWithoutMemo() throws IOException {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(1);
        registry.registerWithId(VALUE_SUBJECT, WITHOUT_MEMO, 3);
        TransferObserved expected = TransferObserved.newBuilder(golden()).setMemo(null).build();
        GenericRecord old = new GenericData.Record(WITHOUT_MEMO);
        for (Schema.Field field : WITHOUT_MEMO.getFields()) {
            old.put(field.name(), expected.get(field.name()));
        }

        TransferObserved read = new AvroDeserializer<>(TransferObserved.class, registry, false)
                .deserialize(TOPIC, writeGeneric(3, WITHOUT_MEMO, old));

        assertThat(read).isEqualTo(expected);
        assertThat(read.getMemo()).isNull();
        assertThat(read.getAmount()).isEqualTo(new BigDecimal("10000000000000000000"));
    }

    @Test
    void shouldReadRecordsWrittenWithANewerSchemaIgnoringTheUnknownField() throws IOException {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(1);
        registry.registerWithId(VALUE_SUBJECT, WITH_FEE, 9);
        GenericRecord newer = new GenericData.Record(WITH_FEE);
        for (Schema.Field field : TransferObserved.getClassSchema().getFields()) {
            newer.put(field.name(), golden().get(field.name()));
        }
        newer.put("fee", new BigDecimal("1500"));

        TransferObserved read = new AvroDeserializer<>(TransferObserved.class, registry, false)
                .deserialize(TOPIC, writeGeneric(9, WITH_FEE, newer));

        assertThat(read).isEqualTo(golden());
    }

    @Test
    void shouldPassTombstonesThroughAsNull() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(1);
        Serde<TransferObserved> serde = AvroSerdes.specific(TransferObserved.class, registry, false);

        assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
        assertThat(registry.registerCalls()).isZero();
    }

    @Test
    void shouldRegisterOncePerTopicUnderTopicNameStrategySubjects() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(100);
        Serializer<TransferObserved> values = AvroSerdes.specific(TransferObserved.class, registry, false).serializer();
        Serializer<TransferObserved> keys = AvroSerdes.specific(TransferObserved.class, registry, true).serializer();

        for (int i = 0; i < 5; i++) {
            values.serialize("a", golden());
            values.serialize("b", golden());
            keys.serialize("a", golden());
        }

        assertThat(registry.registerCalls()).isEqualTo(3);
        assertThat(registry.subjects()).containsExactlyInAnyOrder("a-value", "b-value", "a-key");
        assertThat(WireFormat.readSchemaId(values.serialize("b", golden()))).isEqualTo(100);
        assertThat(AvroSerdes.subject("t", true)).isEqualTo("t-key");
        assertThat(AvroSerdes.subject("t", false)).isEqualTo("t-value");
    }

    @Test
    void shouldFetchEachWriterSchemaOncePerThread() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(1);
        Serde<TransferObserved> serde = AvroSerdes.specific(TransferObserved.class, registry, false);
        byte[] bytes = serde.serializer().serialize(TOPIC, golden());

        for (int i = 0; i < 10; i++) {
            assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(golden());
        }

        assertThat(registry.schemaByIdCalls()).isEqualTo(1);
    }

    @Test
    void shouldRejectAWrongMagicByteNamingTheTopic() {
        Deserializer<TransferObserved> deserializer =
                new AvroDeserializer<>(TransferObserved.class, new InMemorySchemaRegistryClient(1), false);

        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, new byte[] {1, 0, 0, 0, 7, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(TOPIC)
                .hasMessageContaining("magic byte 0x01");
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, new byte[] {0, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("shorter than the 5-byte header");
    }

    @Test
    void shouldFailClearlyOnAnUnknownSchemaIdOrTruncatedData() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(1);
        Serde<TransferObserved> serde = AvroSerdes.specific(TransferObserved.class, registry, false);
        byte[] bytes = serde.serializer().serialize(TOPIC, golden());

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, WireFormat.header(4242)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("writer schema id 4242");
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);
        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(TOPIC)
                .hasMessageContaining(TransferObserved.class.getName());
    }

    @Test
    void shouldReadOneFieldOfTheGoldenBytesAndOfOlderAndNewerWritersAsTheWholeRecordHasIt() throws IOException {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(1);
        registry.registerWithId(VALUE_SUBJECT, TransferObserved.getClassSchema(), 7);
        registry.registerWithId(VALUE_SUBJECT, WITHOUT_MEMO, 3);
        registry.registerWithId(VALUE_SUBJECT, WITH_FEE, 9);
        AvroFieldReader<Long> blockTimes = new AvroFieldReader<>(TransferObserved.getClassSchema(), "blockTime", Long.class, registry);
        AvroFieldReader<Long> observedAts = new AvroFieldReader<>(TransferObserved.getClassSchema(), "observedAt", Long.class, registry);
        AvroFieldReader<CharSequence> senders = new AvroFieldReader<>(TransferObserved.getClassSchema(), "sender", CharSequence.class, registry);
        GenericRecord old = new GenericData.Record(WITHOUT_MEMO);
        GenericRecord newer = new GenericData.Record(WITH_FEE);
        TransferObserved later = TransferObserved.newBuilder(golden()).setBlockTime(Instant.parse("2024-02-29T23:59:59.999Z"))
                .setSender("terra1other").setObservedAt(Instant.parse("2024-03-01T00:00:01Z")).build();
        for (Schema.Field field : WITHOUT_MEMO.getFields()) {
            old.put(field.name(), later.get(field.name()));
        }
        for (Schema.Field field : TransferObserved.getClassSchema().getFields()) {
            newer.put(field.name(), later.get(field.name()));
        }
        newer.put("fee", new BigDecimal("1500"));
        List<byte[]> records = List.of(HexFormat.of().parseHex(GOLDEN_HEX), writeGeneric(3, WITHOUT_MEMO, old), writeGeneric(9, WITH_FEE, newer));
        Deserializer<TransferObserved> whole = new AvroDeserializer<>(TransferObserved.class, registry, false);

        for (byte[] bytes : records) {
            TransferObserved t = whole.deserialize(TOPIC, bytes);
            assertThat(blockTimes.deserialize(TOPIC, bytes)).isEqualTo(t.getBlockTime().toEpochMilli());
            assertThat(observedAts.deserialize(TOPIC, bytes)).isEqualTo(t.getObservedAt().toEpochMilli());
            assertThat(senders.deserialize(TOPIC, bytes).toString()).isEqualTo(t.getSender());
        }
        assertThat(blockTimes.deserialize(TOPIC, records.get(0))).isEqualTo(Instant.parse("2021-11-01T00:00:00Z").toEpochMilli());
        assertThat(blockTimes.deserialize(TOPIC, records.get(2))).isEqualTo(Instant.parse("2024-02-29T23:59:59.999Z").toEpochMilli());
        assertThat(blockTimes.deserialize(TOPIC, null)).isNull();
        assertThat(registry.schemaByIdCalls()).as("each writer schema fetched once per reader and thread").isEqualTo(3 * 4);
    }

    @Test
    void shouldFailAFieldReadAsTheWholeRecordFails() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(1);
        byte[] bytes = AvroSerdes.specific(TransferObserved.class, registry, false).serializer().serialize(TOPIC, golden());
        Schema withoutBlockTime = Schema.createRecord("TransferObserved", null, "dev.starfall.schemas.avro", false,
                List.of(new Schema.Field("chain", Schema.create(Schema.Type.STRING))));
        registry.registerWithId(VALUE_SUBJECT, withoutBlockTime, 5);
        AvroFieldReader<Long> blockTimes = new AvroFieldReader<>(TransferObserved.getClassSchema(), "blockTime", Long.class, registry);

        assertThat(blockTimes.deserialize(TOPIC, bytes)).isEqualTo(golden().getBlockTime().toEpochMilli());
        assertThatThrownBy(() -> blockTimes.deserialize(TOPIC, Arrays.copyOf(bytes, bytes.length - 3)))
                .as("bytes that end in a field after the one read")
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(TOPIC)
                .hasMessageContaining("blockTime");
        assertThatThrownBy(() -> blockTimes.deserialize(TOPIC, WireFormat.header(4242)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("writer schema id 4242");
        byte[] noBlockTime = Arrays.copyOf(WireFormat.header(5), 7);
        noBlockTime[5] = 2;
        noBlockTime[6] = 'x';
        assertThatThrownBy(() -> blockTimes.deserialize(TOPIC, noBlockTime))
                .as("a writer without the field")
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("writer schema id 5");
        assertThatThrownBy(() -> blockTimes.deserialize(TOPIC, new byte[] {1, 0, 0, 0, 7, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("magic byte 0x01");
        assertThatThrownBy(() -> new AvroFieldReader<>(TransferObserved.getClassSchema(), "blocktime", Long.class, registry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no field blocktime");
    }

    @Test
    void shouldRefuseToSerializeAnAmountWithAFractionalScale() {
        Serializer<TransferObserved> serializer =
                AvroSerdes.specific(TransferObserved.class, new InMemorySchemaRegistryClient(1), false).serializer();
        TransferObserved fractional = TransferObserved.newBuilder(golden()).setAmount(new BigDecimal("1.5")).build();

        assertThatThrownBy(() -> serializer.serialize(TOPIC, fractional))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(TOPIC);
    }

    @Test
    void shouldBeConfigurableByClassNameAsKafkaDoes() {
        AvroSerializer<TransferObserved> serializer = new AvroSerializer<>();
        AvroDeserializer<TransferObserved> deserializer = new AvroDeserializer<>();
        Map<String, Object> configs = Map.of(
                AvroSerdes.SCHEMA_REGISTRY_URL_CONFIG, "http://127.0.0.1:1,http://127.0.0.1:2",
                AvroSerdes.SPECIFIC_VALUE_TYPE_CONFIG, TransferObserved.class.getName());

        serializer.configure(configs, false);
        deserializer.configure(configs, false);

        assertThat(serializer.serialize(TOPIC, null)).isNull();
        assertThat(deserializer.deserialize(TOPIC, null)).isNull();
        assertThatThrownBy(() -> serializer.serialize(TOPIC, golden()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("subject '" + VALUE_SUBJECT + "'")
                .hasMessageContaining("http://127.0.0.1:2");
    }

    @Test
    void shouldRejectIncompleteConfiguration() {
        assertThatThrownBy(() -> new AvroDeserializer<TransferObserved>().configure(
                Map.of(AvroSerdes.SPECIFIC_VALUE_TYPE_CONFIG, TransferObserved.class.getName()), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AvroSerdes.SCHEMA_REGISTRY_URL_CONFIG);
        assertThatThrownBy(() -> new AvroDeserializer<TransferObserved>().configure(
                Map.of(AvroSerdes.SCHEMA_REGISTRY_URL_CONFIG, "http://127.0.0.1:1"), true))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AvroSerdes.SPECIFIC_KEY_TYPE_CONFIG);
        assertThatThrownBy(() -> new AvroDeserializer<TransferObserved>().configure(Map.of(
                AvroSerdes.SCHEMA_REGISTRY_URL_CONFIG, "http://127.0.0.1:1",
                AvroSerdes.SPECIFIC_VALUE_TYPE_CONFIG, String.class.getName()), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Not a generated Avro class");
        assertThatThrownBy(() -> new AvroSerializer<TransferObserved>().configure(Map.of(
                AvroSerdes.SCHEMA_REGISTRY_URL_CONFIG, "http://127.0.0.1:1",
                AvroSerdes.SPECIFIC_VALUE_TYPE_CONFIG, "dev.starfall.NoSuchClass"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Class not found");
    }

    @Test
    void shouldKeepItsOwnClientWhenKafkaConfiguresAFactorySerde() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(1);
        Serde<TransferObserved> serde = AvroSerdes.specific(TransferObserved.class, registry, false);

        serde.configure(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL_CONFIG, "http://127.0.0.1:1"), false);

        assertThat(serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, golden()))).isEqualTo(golden());
        assertThat(registry.registerCalls()).isEqualTo(1);
    }

    @Test
    void shouldSerializeAndDeserializeFromManyThreadsAtOnce() throws Exception {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(1);
        Serde<TransferObserved> serde = AvroSerdes.specific(TransferObserved.class, registry, false);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 500; i++) {
                        TransferObserved record = TransferObserved.newBuilder(golden())
                                .setMessageIndex(thread * 1000 + i)
                                .setAmount(BigDecimal.valueOf(i).multiply(BigDecimal.TEN.pow(thread * 10)))
                                .build();
                        TransferObserved read = serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, record));
                        if (record.equals(read)) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(500);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] writeGeneric(int schemaId, Schema schema, GenericRecord record) throws IOException {
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, schemaId);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema, model).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
