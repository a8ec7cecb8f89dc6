package sheafrank.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sheafrank.train.Samples;
import sheafrank.train.TaskKind;

class CsvTableTest {
  @TempDir
  Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void readsNamedColumnsInTheRequestedOrder() throws IOException {
    Path f = write("d.csv", "id,x2,label,x1\n1,0.5,1,-2\n\n2,\"1e-3\",0,3.25\n");
    Samples s = CsvTable.read(f, List.of("x1", "x2"), List.of("label"));
    assertEquals(2, s.n());
    assertArrayEquals(new double[] {-2, 0.5, 3.25, 1e-3}, s.x(), 0.0);
    assertArrayEquals(new double[] {1, 0}, s.y(), 0.0);
    Dataset d = CsvTable.dataset(f, f, List.of("x1", "x2"), List.of("label"), TaskKind.BINARY);
    assertEquals(2, d.nTest());
    d.validateWidths(new int[] {2, 4, 1});
    Samples semi = CsvTable.read(write("s.csv", "a;b\n1;2\n"), List.of("a"), List.of("b"), ';');
    assertArrayEquals(new double[] {2}, semi.y(), 0.0);
  }

  @Test
  void readsAWholeTableInFileOrder() throws IOException {
    CsvTable.Numeric t = CsvTable.readAll(write("all.csv", "z1[0],a1[0],\"z2[0]\"\n1,2,3\n\n-0.5,1e-300,4.9E-324\n"));
    assertEquals(List.of("z1[0]", "a1[0]", "z2[0]"), t.columns());
    assertEquals(2, t.rows());
    assertArrayEquals(new double[] {1, 2, 3, -0.5, 1e-300, Double.MIN_VALUE}, t.values(), 0.0);
    Path nan = write("nan.csv", "u,v\n1,NaN\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvTable.readAll(nan));
    assertTrue(e.getMessage().contains("line 2, column 'v'"), e.getMessage());
    Path dup = write("dup.csv", "u,u\n1,2\n");
    e = assertThrows(IllegalArgumentException.class, () -> CsvTable.readAll(dup));
    assertTrue(e.getMessage().contains("more than once"), e.getMessage());
  }

  private void expectError(String text, String... fragments) throws IOException {
    Path f = write("bad.csv", text);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CsvTable.read(f, List.of("x1", "x2"), List.of("y")));
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    for (String s : fragments) {
      assertTrue(e.getMessage().contains(s), "'" + e.getMessage() + "' should mention " + s);
    }
  }

  @Test
  void errorsNameFileLineAndColumn() throws IOException {
    expectError("x1,x3,y\n1,2,3\n", "line 1", "'x2'", "not found");
    expectError("x1,x2,y\n1,2,3\n4,five,6\n", "line 3", "'x2'", "'five' is not a number");
    expectError("x1,x2,y\n1,2,NaN\n", "line 2", "'y'", "not a finite number");
    expectError("x1,x2,y\n1,2,Infinity\n", "line 2", "'y'", "not a finite number");
    expectError("x1,x2,y\n1,2,3\n1,2\n", "line 3", "2 fields", "header has 3");
    expectError("x1,x2,y\n1,2,3,4\n", "line 2", "4 fields");
    expectError("x1,x2,y\n1,,3\n", "line 2", "'x2'", "empty value");
    expectError("x1,x2,y\n", "no data rows");
    expectError("", "empty file");
    expectError("x1,x2,x1,y\n1,2,3,4\n", "'x1'", "more than once");
    expectError("x1,x2,y\n1,\"2,3\n", "line 2", "unterminated");
  }
}
