package io.cachelab.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Proves the harness can fail: side A is a real Redis behind an endpoint that lies about one reply
 * (LLEN of a list with three or more elements is off by one). The differential run must catch it
 * and shrink the sequence to a handful of commands that still show the lie.
 */
@Tag("it")
class HarnessSelfTest {

    @Test
    void catchesAndShrinksAnInjectedDivergence() {
        try (RealRedis r1 = RealRedis.start(); RealRedis r2 = RealRedis.start();
             Endpoint liar = new Endpoint("liar", "127.0.0.1", r1.port()) {
                 @Override
                 public Reply call(byte[][] argv) {
                     Reply r = super.call(argv);
                     String cmd = new String(argv[0], StandardCharsets.US_ASCII);
                     if (cmd.equalsIgnoreCase("LLEN") && r.kind() == Reply.Kind.INTEGER && r.integer() >= 3) {
                         return Reply.integer(r.integer() + 1);
                     }
                     return r;
                 }
             };
             Endpoint honest = new Endpoint("redis", "127.0.0.1", r2.port())) {

            Differential diff = new Differential(liar, honest);
            if (Boolean.getBoolean("diff.showSelfTest")) System.out.println(catchThrowable(() -> diff.run(new ListFamily(), 42, 5_000, 200)).getMessage());

            assertThatThrownBy(() -> diff.run(new ListFamily(), 42, 5_000, 200))
                    .isInstanceOf(AssertionError.class)
                    .satisfies(e -> {
                        String report = e.getMessage();
                        assertThat(report).contains("family 'lists'", "seed ", "LLEN", "liar: (integer) ", "redis: (integer) ");
                        String counted = report.replaceAll("(?s).*minimal reproduction \\((\\d+) of.*", "$1");
                        // at least one push of 3+ elements (or several pushes) and the LLEN
                        assertThat(Integer.parseInt(counted)).isBetween(2, 4);
                    });
        }
    }
}
