package dev.starfall.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starfall.schemas.Bech32;
import org.junit.jupiter.api.Test;

class AddressesTest {

    private final Addresses terra = new Addresses("terra-classic", "terra1wn25alak7ghh78nvfa532tf8lgar8vr7h67mqe");
    private final Addresses solana = new Addresses("solana", "3i476kTBBTy7pBGx4CXwJpJ6phuwLQgcwLTdHhU3c7ui");

    @Test
    void shouldAcceptValidTerraAddresses() {
        // the destination and a sender from the recorded FCD fixture
        assertThat(terra.problem("terra1wn25alak7ghh78nvfa532tf8lgar8vr7h67mqe")).isEmpty();
        assertThat(terra.problem("TERRA1WN25ALAK7GHH78NVFA532TF8LGAR8VR7H67MQE")).isEmpty();
    }

    @Test
    void shouldNameTheProblemOfBadBech32() {
        assertThat(terra.problem("terra1wn25alak7ghh78nvfa532tf8lgar8vr7h67mqf")).get().asString().contains("checksum");
        assertThat(terra.problem("terra1wn25alak7ghh78nvfa532tf8lgar8vr7h67mqb")).get().asString().contains("'b' at position 44");
        assertThat(terra.problem("terra1wn25alak7ghh78nvfa532tf8lgar8vr7h67mqp")).get().asString().contains("checksum");
        String cosmos = Bech32.encode("cosmos", Bech32.decode("terra1wn25alak7ghh78nvfa532tf8lgar8vr7h67mqe").data());
        assertThat(terra.problem(cosmos)).get().asString().contains("prefix 'cosmos'");
        assertThat(terra.problem("Terra1wn25alak7ghh78nvfa532tf8lgar8vr7h67mqe")).get().asString().contains("mixes");
        assertThat(terra.problem("terra1abc")).get().asString().contains("not a bech32 address");
        assertThat(terra.problem("")).get().asString().contains("empty");
    }

    @Test
    void shouldGiveTheSameVerdictWhenAskedAgain() {
        for (int round = 0; round < 2; round++) {
            assertThat(terra.problem("terra1wn25alak7ghh78nvfa532tf8lgar8vr7h67mqe")).isEmpty();
            assertThat(terra.problem("terra1wn25alak7ghh78nvfa532tf8lgar8vr7h67mqf")).get().asString().contains("checksum");
            assertThat(terra.problem(null)).get().asString().contains("empty");
        }
        for (int i = 0; i < Addresses.REMEMBERED + 10; i++) { // past the bound: forgotten, still checked
            byte[] data = new byte[20];
            data[0] = (byte) i;
            data[1] = (byte) (i >> 8);
            data[2] = (byte) (i >> 16);
            assertThat(terra.problem(Bech32.encode("terra", data))).isEmpty();
        }
        assertThat(terra.problem("terra1wn25alak7ghh78nvfa532tf8lgar8vr7h67mqe")).isEmpty();
        assertThat(terra.problem("terra1wn25alak7ghh78nvfa532tf8lgar8vr7h67mqf")).isPresent();
    }

    @Test
    void shouldRoundTripBech32() {
        byte[] data = new byte[20];
        data[0] = 7;
        data[19] = (byte) 0xff;
        String address = Bech32.encode("terra", data);

        assertThat(Bech32.decode(address).data()).isEqualTo(data);
        assertThat(terra.problem(address)).isEmpty();
    }

    @Test
    void shouldCheckSolanaAddressesDecodeTo32Bytes() {
        assertThat(solana.problem("3i476kTBBTy7pBGx4CXwJpJ6phuwLQgcwLTdHhU3c7ui")).isEmpty();
        assertThat(solana.problem("11111111111111111111111111111111")).isEmpty();
        assertThat(solana.problem("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v")).isEmpty();
        assertThat(solana.problem("3i476kTBBTy7pBGx4CXwJpJ6phuwLQgcwLTd")).get().asString().contains("32 bytes");
        assertThat(solana.problem("3i476kTBBTy7pBGx4CXwJpJ6phuwLQgcwLTdHhU3c70")).get().asString().contains("'0'");
    }
}
