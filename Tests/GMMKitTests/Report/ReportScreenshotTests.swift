import Foundation
import Testing
import GMMTestSupport
@testable import GMMKit

/// The chromium executable on PATH, or nil.
let chromiumPath: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        for name in ["chromium", "chromium-browser"] where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
    }
    return nil
}()

/// Renders the HTML report in headless Chromium and checks the screenshot shows the plots.
@Suite struct ReportScreenshotTests {
    @Test(.enabled(if: chromiumPath != nil, "chromium is not installed (Debian package `chromium`, installed by `make deps`): the screenshot test is skipped"),
          .timeLimit(.minutes(3)))
    func headlessChromiumShowsThePlots() throws {
        let (model, events) = try reportFixture.get()
        let report = try ValidationReport.make(model: model, events: events, options: smallReportOptions(), device: CPUDevice())
        let html = try ValidationReportHTML.render(report)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeFileAtomically(Array(html.utf8), to: directory.file("report.html"))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(chromiumPath))
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(directory.file("profile"))",
                             "--screenshot=\(directory.file("shot.png"))", "--window-size=1200,3000", "file://\(directory.file("report.html"))"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "chromium exited with \(process.terminationStatus)")

        let image = try PNGImage(try directory.read("shot.png"))
        #expect(image.width == 1200 && image.height == 3000)
        var colours = Set<Int>()
        var nonWhite = 0, vermillion = 0, black = 0, viridis = 0
        for i in 0..<(image.width * image.height) {
            let (r, g, b) = image.rgb(i)
            colours.insert(r << 16 | g << 8 | b)
            if r < 245 || g < 245 || b < 245 { nonWhite += 1 }
            func near(_ c: PlotColor, _ tolerance: Int) -> Bool {
                abs(r - Int(c.red)) + abs(g - Int(c.green)) + abs(b - Int(c.blue)) <= tolerance
            }
            if near(Palette.vermillion, 40) { vermillion += 1 }
            if r < 40 && g < 40 && b < 40 { black += 1 }
            if ColorMap.viridis.anchors.dropFirst(2).dropLast(2).contains(where: { near($0, 30) }) { viridis += 1 }
        }
        let total = image.width * image.height
        #expect(Double(nonWhite) > 0.03 * Double(total), "the page looks blank: \(nonWhite) of \(total) pixels are not white")
        #expect(colours.count > 200, "only \(colours.count) distinct colours: plots are missing")
        #expect(vermillion > 500, "the data colour (vermillion) hardly appears: \(vermillion) pixels")
        #expect(black > 5000, "axes, text and model lines (black) hardly appear: \(black) pixels")
        #expect(viridis > 2000, "the 2-D heatmaps (viridis) hardly appear: \(viridis) pixels")
    }
}
