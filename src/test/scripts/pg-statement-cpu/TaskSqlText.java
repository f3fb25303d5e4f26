/**
 * Prints one statement of io.taskq.store.pg.TaskSql (package-private constants) as the server sends it.
 * usage: java -cp target/classes src/test/scripts/pg-statement-cpu/TaskSqlText.java CLAIM
 */
public class TaskSqlText {
  public static void main(String[] args) throws Exception {
    var field = Class.forName("io.taskq.store.pg.TaskSql").getDeclaredField(args[0]);
    field.setAccessible(true);
    System.out.print(field.get(null));
  }
}
