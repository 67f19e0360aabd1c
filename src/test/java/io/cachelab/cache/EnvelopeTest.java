package io.cachelab.cache;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The logical-expiry entry: taken apart by position when this library wrote it, as a tree otherwise. */
class EnvelopeTest {
    final JsonMapper json = JsonMapper.builder().build();

    @Test
    void whatFormatWritesParsesBackWithoutATree() {
        String raw = Envelope.format(1795255102812L, "{\"id\":1,\"title\":\"a,\\\"v\\\":b}\"}");
        assertThat(raw).isEqualTo("{\"e\":1795255102812,\"v\":{\"id\":1,\"title\":\"a,\\\"v\\\":b}\"}}");
        assertThat(Envelope.parse(raw, json)).isEqualTo(new Envelope(1795255102812L, "{\"id\":1,\"title\":\"a,\\\"v\\\":b}\"}"));
        assertThat(Envelope.parse(Envelope.format(-5, "\"x\""), json)).isEqualTo(new Envelope(-5, "\"x\""));
    }

    @Test
    void anEntryInAnotherShapeIsReadAsJson() {
        assertThat(Envelope.parse("{\"v\":[1, 2],\"e\":42}", json)).isEqualTo(new Envelope(42, "[1,2]"));
        assertThat(Envelope.parse("{ \"e\" : 7 , \"v\" : \"s\" }", json)).isEqualTo(new Envelope(7, "\"s\""));
    }

    @Test
    void somethingElseIsRefusedWithItsBeginning() {
        assertThatThrownBy(() -> Envelope.parse("{\"title\":\"plain cache-aside value\"}", json))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a logical-expiry entry: {\"title\"");
    }
}
