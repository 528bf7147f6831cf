import Testing
@testable import GMMKit

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test func parsesEveryKindOfValue() throws {
        let value = try parse(#" { "a" : [1, -0, 2.5, -1e3, true, false, null], "b": {"c": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"} } "#)
        #expect(value == .object([
            "a": .array([.integer(1), .integer(0), .number(2.5), .number(-1000), .bool(true), .bool(false), .null]),
            "b": .object(["c": .string("x\"\\/\u{08}\u{0C}\n\r\té😀")]),
        ]))
        #expect(try parse("\"héllo ✓\"") == .string("héllo ✓"))
        #expect(try parse("12345678901234567890") == .number(1.2345678901234567e19))
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "1e", "+1", "NaN", "'a'", "{a:1}",
        "\"\u{01}\"", "\"\\x\"", "\"\\ud800\"", "\"\\udc00x\"", "[1] [2]", "tru", "{\"a\" 1}",
        "{\"k\":1,\"k\":2}", "1e999",
    ])
    func rejectsInvalidJSON(text: String) {
        #expect(throws: JSONParseError.self, "\(text)") { try parse(text) }
    }

    @Test func rejectsInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError.self) { try parse(deep) }
        let fine = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
        #expect(throws: Never.self) { try parse(fine) }
    }

    @Test func errorsNameTheOffset() throws {
        let error = try #require(throws: JSONParseError.self) { try parse("{\"k\":1,\"k\":2}") }
        #expect(error.offset == 7)
        #expect(error.description.contains("byte 7"))
        #expect(error.description.contains("\"k\""))
    }

    @Test func serializationRoundTrips() throws {
        let value = JSONValue.object([
            "z": .array([.integer(-3), .number(0.125), .null, .bool(true)]),
            "a \"quoted\"\n": .string("tab\there \u{01} é"),
        ])
        let text = value.serialized()
        #expect(try parse(text) == value)
        #expect(text.hasPrefix("{\"a \\\"quoted\\\"\\n\":"))
        #expect(text.contains("\\u0001"))
    }
}
