import Testing
@testable import LatSimCore

@Suite struct DataTableTests {
    func problem(_ body: () throws -> Any) -> ParameterError? {
        do { _ = try body(); return nil } catch let e as ParameterError { return e } catch { return nil }
    }

    @Test func lineEndingsAndByteOrderMarkReadAlike() throws {
        let lf = try DataTable.parse(text: "time,price\n1,100.5\n2,101\n", path: "a.csv")
        let crlf = try DataTable.parse(text: "time,price\r\n1,100.5\r\n2,101\r\n", path: "a.csv")
        let cr = try DataTable.parse(text: "time,price\r1,100.5\r2,101\r", path: "a.csv")
        let bom = try DataTable.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("time,price\r\n1,100.5\r\n2,101".utf8), path: "a.csv",
                                      header: .auto, delimiter: ",")
        for table in [lf, crlf, cr, bom] {
            #expect(table.header == ["time", "price"])
            #expect(table.rows == [["1", "100.5"], ["2", "101"]])
            #expect(table.lines == [2, 3])
        }
        // The hash is of the bytes: CRLF and LF files differ, as files.
        #expect(lf.contentHash != crlf.contentHash)
        #expect(lf.contentHash == (try DataTable.parse(text: "time,price\n1,100.5\n2,101\n", path: "b.csv")).contentHash)
    }

    @Test func commentsQuotesAndDelimiters() throws {
        let t = try DataTable.parse(text: "# source: test\n\n id , \"name, full\" \n1,\"a \"\"b\"\", c\"\n  # note\n2, plain \n", path: "q.csv")
        #expect(t.header == ["id", "name, full"])
        #expect(t.rows == [["1", "a \"b\", c"], ["2", "plain"]])
        #expect(t.lines == [4, 6])
        let tabs = try DataTable.parse(text: "a\tb\n1\t2\n", path: "t.tsv", delimiter: "\t")
        #expect(tabs.rows == [["1", "2"]])
        let headless = try DataTable.parse(text: "1,2\n3,4\n", path: "n.csv")
        #expect(headless.header.isEmpty && headless.rows.count == 2 && headless.width == 2)
    }

    @Test func badFilesNameTheLine() throws {
        #expect(problem { try DataTable.parse(text: "a,b\n1,2\n3\n", path: "r.csv") }?.parameter == "r.csv:3")
        #expect(problem { try DataTable.parse(text: "a,b\n1,\"open\n", path: "o.csv") }?.parameter == "o.csv:2")
        #expect(problem { try DataTable.parse(text: "\n# only a comment\n", path: "e.csv") }?.problem.contains("empty") == true)
        #expect(problem { try DataTable.parse(text: "a,b\n", path: "h.csv") }?.problem.contains("no data rows") == true)
        #expect(problem { try DataTable.parse(text: "a,a\n1,2\n", path: "d.csv") }?.problem.contains("twice") == true)
        #expect(problem { try DataTable.parse(bytes: [0x61, 0x00, 0x0A], path: "z.bin", header: .auto, delimiter: ",") }?.problem.contains("NUL") == true)
        let t = try DataTable.parse(text: "time,price\n1,100\n2,abc\n", path: "p.csv")
        let e = problem { try t.doubles(column: t.column("price")) }
        #expect(e?.parameter == "p.csv:3" && e?.given == "\"abc\"" && e?.problem.contains("column price") == true)
        let missing = problem { try t.column("size") }
        #expect(missing?.parameter == "p.csv:1" && missing?.allowed == "time, price")
    }

    @Test func devicesDirectoriesAndLimitsAreRefusedBeforeReading() throws {
        #expect(problem { try DataTable.read("/dev/zero") }?.problem.contains("device") == true)
        #expect(problem { try DataTable.read("/tmp") }?.problem.contains("directory") == true)
        #expect(problem { try DataTable.read("/nonexistent/x.csv") }?.problem.contains("does not exist") == true)
        let path = "/tmp/latsim-datatable-\(StreamKey.fnv1a64(#function)).csv"
        try writeFile(path, "a\n" + String(repeating: "1\n", count: 100))
        #expect(problem { try DataTable.read(path, limitBytes: 64) }?.problem.contains("too large") == true)
        let t = try DataTable.read(path)
        #expect(t.rows.count == 100 && t.byteCount == 202 && t.path == path)
    }
}
