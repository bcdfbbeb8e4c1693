package dev.starfall.projections;

import dev.starfall.projections.domain.EggSeed;
import dev.starfall.schemas.avro.EggRevealRejected;
import dev.starfall.schemas.avro.EggSeedRevealed;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks each revealed egg seed against the manifest's commitment: forwards the reveal itself when
 * SHA-256 of the seed bytes matches, else an {@link EggRevealRejected} with the reason (to the
 * rejected-reveals topic). Stateless.
 */
final class EggRevealProcessor implements Processor<String, EggSeedRevealed, String, SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(EggRevealProcessor.class);

    private final String commitment;
    private ProcessorContext<String, SpecificRecord> context;

    EggRevealProcessor(String commitment) {
        this.commitment = commitment;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, EggSeedRevealed> record) {
        EggSeedRevealed reveal = record.value();
        if (reveal == null) {
            return;
        }
        EggSeed.Verdict verdict = EggSeed.check(reveal.getSeed(), commitment);
        if (verdict.accepted()) {
            log.info("Egg seed revealed at {} matches the commitment; drawing eggs", reveal.getRevealedAt());
            context.forward(record.withValue(reveal));
            return;
        }
        log.warn("Egg seed reveal rejected ({}): {}", verdict.rejection(), verdict.detail());
        context.forward(record.withValue(EggRevealRejected.newBuilder().setSeed(reveal.getSeed()).setRevealedAt(reveal.getRevealedAt())
                .setReason(verdict.rejection()).setCommitment(commitment).setDetail(verdict.detail()).build()));
    }
}
