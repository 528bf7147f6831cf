import Testing
@testable import GMMKit

/// The one decimal formatter of the library and the command line, and the bound formatter of
/// messages.
@Suite struct DecimalFormattingTests {
    @Test func fixedDecimals() {
        #expect(formatFixed(0.25, decimals: 2) == "0.25")
        #expect(formatFixed(-3, decimals: 0) == "-3")
        #expect(formatFixed(2.71828, decimals: 3) == "2.718")
        #expect(formatFixed(-0.00004, decimals: 4) == "0.0000")  // rounds to zero: no minus sign
        #expect(formatFixed(-1.5, decimals: 1, minus: "−") == "−1.5")
        #expect(formatFixed(0.05, decimals: 4) == "0.0500")
        #expect(formatFixed(.nan, decimals: 2) == "nan" && formatFixed(-.infinity, decimals: 2) == "-inf")
        // Huge values never trap: integers up to Int64, the shortest form beyond.
        #expect(formatFixed(1e13, decimals: 4) == "10000000000000")
        #expect(formatFixed(-1e300, decimals: 4) == "-1e+300")
        #expect(formatFixed(Double.greatestFiniteMagnitude, decimals: 0).hasPrefix("1.79"))
    }

    @Test func boundsAndIntervals() {
        #expect(formatBound(-.infinity) == "-inf" && formatBound(2.5) == "2.5")
        #expect(formatInterval(0, .infinity) == "[0.0, inf)" && formatInterval(-.infinity, 1) == "(-inf, 1.0]")
    }
}
