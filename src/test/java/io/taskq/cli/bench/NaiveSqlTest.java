package io.taskq.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The naive bound's SQL comes from the jar's copy of naive/, unchanged, with pgbench's variables as parameters. */
class NaiveSqlTest {

  @Test
  void theClaimAndTheCompleteAreTheScriptsStatementsWithPgbenchVariablesAsParameters() {
    NaiveSql.Statement claim = NaiveSql.claim();
    assertEquals(List.of("q", "client_id"), claim.variables());
    assertTrue(claim.sql().startsWith("WITH c AS ("), claim.sql());
    assertTrue(claim.sql().contains("AND queue = $1") && claim.sql().contains("'w' || $2::text"), claim.sql());
    assertTrue(claim.sql().endsWith("RETURNING t.id, t.queue, t.params, t.attempts"), claim.sql());

    NaiveSql.Statement complete = NaiveSql.complete();
    assertEquals(List.of("id", "client_id"), complete.variables());
    assertTrue(complete.sql().contains("WHERE id = $1 AND status = 'claimed' AND worker_id = 'w' || $2::text"), complete.sql());
    assertFalse(complete.sql().contains("\\gset") || complete.sql().endsWith(";"), complete.sql());
  }

  @Test
  void theSetupIsSchemaThenSeedWithTheTaskCount() {
    List<String> statements = NaiveSql.setupStatements(12_345);
    assertTrue(statements.get(0).startsWith("DROP TABLE IF EXISTS tasks"), statements::toString);
    assertTrue(statements.stream().anyMatch(s -> s.contains("generate_series(1, 12345)")), statements::toString);
    assertTrue(statements.contains("VACUUM (ANALYZE) tasks"), statements::toString);
    assertTrue(statements.stream().noneMatch(s -> s.contains(":n")), statements::toString);
  }

  @Test
  void pgbenchsSummaryIsRead() {
    NaiveBaseline.PgbenchResult result = NaiveBaseline.parse("""
        transaction type: /tmp/taskq-naive1.sql
        number of clients: 32
        number of transactions actually processed: 40123
        number of failed transactions: 2 (0.005%)
        latency average = 7.912 ms
        initial connection time = 25.204 ms
        tps = 4012.345678 (without initial connection time)
        """);
    assertEquals(new NaiveBaseline.PgbenchResult(40123, 2, 4012.345678, 7.912), result);
  }
}
