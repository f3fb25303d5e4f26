package io.taskq.store.pg;

import io.taskq.db.DatabaseTarget;
import io.taskq.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Figures for full-text search (TaskSql.SEARCH) at scale: fills one project with {@code args[0]}
 * tasks (default 1,000,000) whose titles and descriptions are drawn from word lists with a skew
 * (a few words common, most rare, a tenant name in each title shared by about 20 tasks), then
 * prints EXPLAIN (ANALYZE, BUFFERS) and the median of 5 timed executions for a selective term, a
 * common term, that term with a status filter, and a term in most tasks. Runs on the tests'
 * embedded PostgreSQL, or on TASKQ_TEST_DB_URL. Usage (see src/site/markdown/benchmarks.md):
 * {@code mvn -o -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.taskq.store.pg.SearchBenchmark -Dexec.args=1000000}
 */
public final class SearchBenchmark {

  private static final String VERBS = "'{send,resize,sync,export,import,generate,process,validate,archive,compress,notify,render,"
      + "index,backup,refresh,migrate,deliver,charge,refund,transcode}'";
  private static final String OBJECTS = "'{report,email,image,invoice,order,payment,thumbnail,video,account,inventory,document,"
      + "dashboard,playlist,catalog,shipment,ticket,subscription,webhook,log,receipt,newsletter,contract,backup,feed,profile,"
      + "avatar,certificate,statement,manifest,sitemap}'";
  private static final String WORDS = "'{customer,request,failed,retry,after,timeout,upstream,service,returned,error,while,"
      + "processing,batch,nightly,job,queue,worker,database,connection,pool,exhausted,memory,limit,exceeded,disk,full,"
      + "permission,denied,network,unreachable,certificate,expired,quota,region,europe,america,asia,priority,high,low,"
      + "scheduled,manual,triggered,webhook,payload,invalid,schema,version,mismatch,legacy,client,mobile,desktop,browser,"
      + "upload,download,storage,bucket,object,missing,duplicate,entry,skipped,partial,success,checksum,corrupted,"
      + "archive,compressed,encrypted,signature,verified,pending,approval,finance,team,marketing,sales,support,engineering,"
      + "weekly,monthly,quarterly,annual,summary,detailed,export,csv,pdf,json,spreadsheet,chart,graph,metric,latency,"
      + "throughput,spike,alert,incident,postmortem,rollback,deploy,release,staging,production,canary,feature,flag,"
      + "experiment,cohort,segment,campaign,discount,coupon,cart,checkout,shipping,warehouse,carrier,tracking,label,"
      + "return,exchange,warranty,claim,fraud,review,rating,comment,moderation,spam,abuse,report,user,admin,owner,guest,"
      + "session,token,refresh,password,reset,login,signup,onboarding,tutorial,reminder,digest,notification,push,sms,"
      + "voice,call,meeting,calendar,invite,agenda,minutes,transcript,translation,language,locale,currency,tax,vat,"
      + "invoice,credit,debit,balance,ledger,reconciliation,audit,compliance,gdpr,retention,deletion,anonymise,"
      + "pseudonymise,consent,cookie,tracking,analytics,pipeline,etl,warehouse,lake,partition,shard,replica}'";

  private SearchBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    DatabaseTarget db = TestDatabase.fresh("search_bench");
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties()); Statement s = c.createStatement()) {
      s.execute("INSERT INTO projects (id, name) VALUES (1, 'bench')");
      s.execute("INSERT INTO task_types (name, version, param_schema) VALUES ('t', 1, '{}')");
      s.execute("SELECT setseed(0.42)");
      long start = System.nanoTime();
      int batch = 100_000;
      for (int from = 1; from <= tasks; from += batch) {
        int to = Math.min(tasks, from + batch - 1);
        // 80 % completed, 10 % failed, 10 % pending; creation times spread over 30 days.
        s.execute("""
            INSERT INTO tasks (project_id, type, type_version, max_attempts, lease_seconds, status, priority, created_at, title, description)
            SELECT 1, 't', 1, 3, 30,
                   CASE WHEN g %% 10 < 8 THEN 'completed' WHEN g %% 10 = 8 THEN 'failed' ELSE 'pending' END,
                   g %% 5, now() - (%d - g) * interval '2.6 seconds',
                   initcap(v[1 + floor(20 * random())::int]) || ' ' || o[1 + floor(30 * random() ^ 2)::int]
                       || ' for tenant' || floor(random() * %d)::int,
                   -- "+ 0 * i": an aggregate of outer columns only would belong to the outer query.
                   (SELECT string_agg(w[1 + floor(cardinality(w) * random() ^ 2)::int + 0 * i], ' ')
                      FROM generate_series(1, 8 + g %% 10) i)
              FROM generate_series(%d, %d) g, (SELECT %s::text[] AS v, %s::text[] AS o, %s::text[] AS w) lists
            """.formatted(tasks, Math.max(1, tasks / 20), from, to, VERBS, OBJECTS, WORDS));
        System.out.printf("filled %,d tasks (%.0f s)%n", to, (System.nanoTime() - start) / 1e9);
      }
      s.execute("VACUUM ANALYZE tasks");
      s.execute("VACUUM ANALYZE task_search");
      System.out.printf("filled and vacuumed in %.0f s; tasks %s, task_search %s, GIN %s%n", (System.nanoTime() - start) / 1e9,
          one(s, "SELECT pg_size_pretty(pg_total_relation_size('tasks'))"),
          one(s, "SELECT pg_size_pretty(pg_total_relation_size('task_search'))"),
          one(s, "SELECT pg_size_pretty(pg_relation_size('task_search_document_idx'))"));
      System.out.println("PostgreSQL " + one(s, "SHOW server_version") + ", shared_buffers " + one(s, "SHOW shared_buffers")
          + ", work_mem " + one(s, "SHOW work_mem"));

      // As the server runs it: PlannerSettings.withCustomPlanQuietly (custom plans, sequential scans allowed).
      s.execute("SET plan_cache_mode = force_custom_plan");
      s.execute("SET enable_seqscan = on");
      s.execute("PREPARE search AS " + TaskSql.SEARCH);
      String tenant = "tenant" + (tasks / 40);
      run(s, "selective: q=" + tenant, "1, '" + tenant + "', NULL");
      run(s, "common (a title word): q=invoice", "1, 'invoice', NULL");
      run(s, "common term with status=pending: q=invoice&status=pending", "1, 'invoice', 'pending'");
      run(s, "two words: q=invoice failed", "1, 'invoice failed', NULL");
      run(s, "a word in most tasks: q=customer", "1, 'customer', NULL");
      run(s, "a word in most tasks with status=pending: q=customer&status=pending", "1, 'customer', 'pending'");
    }
    System.exit(0);
  }

  /** $1 project, $2 q, $3 status, the other filters null, a page of 100 (the limit is the page + 1). */
  private static void run(Statement s, String label, String firstArgs) throws Exception {
    String execute = "EXECUTE search(" + firstArgs + ", NULL, NULL, NULL, 101, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0)";
    System.out.println("\n### " + label);
    System.out.println("matches: " + one(s, "SELECT count(*) FROM task_search WHERE project_id = 1 AND document @@ websearch_to_tsquery('english', "
        + firstArgs.split(", ")[1] + ")"));
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      long t0 = System.nanoTime();
      try (ResultSet rows = s.executeQuery(execute)) {
        while (rows.next()) {
          // drain
        }
      }
      if (i > 0) {
        ms.add((System.nanoTime() - t0) / 1e6);
      }
    }
    Collections.sort(ms);
    System.out.printf("median of 5 (after one warm-up): %.1f ms (min %.1f, max %.1f)%n", ms.get(2), ms.get(0), ms.get(4));
    try (ResultSet plan = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + execute)) {
      while (plan.next()) {
        System.out.println("    " + plan.getString(1));
      }
    }
  }

  private static String one(Statement s, String sql) throws Exception {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }
}
