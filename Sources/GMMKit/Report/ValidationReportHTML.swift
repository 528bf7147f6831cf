/// Renders a ``ValidationReport`` as one self-contained HTML page: inline SVG figures, inline
/// CSS, no scripts and nothing fetched from the network.
public enum ValidationReportHTML {
    /// The page. `sources` are shown above the summary (e.g. the model directory and data file).
    ///
    /// - Throws: ``PlotError`` only if the report's arrays do not fit together (a bug).
    public static func render(_ report: ValidationReport, title: String = "gmm-gpu validation report",
                              sources: [SummaryRow] = []) throws -> String {
        var html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(escape(title))</title>
        <style>
        body { font-family: Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif; color: #111; margin: 24px auto; max-width: 1240px; padding: 0 16px; }
        h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 36px; border-bottom: 1px solid #ccc; padding-bottom: 4px; }
        table { border-collapse: collapse; font-size: 14px; } td, th { text-align: left; padding: 3px 14px 3px 0; border-bottom: 1px solid #eee; vertical-align: top; }
        figure { margin: 12px 0 24px 0; } figure svg { max-width: 100%; height: auto; }
        figcaption { font-size: 13px; color: #333; max-width: 1100px; line-height: 1.4; }
        .notes li { font-size: 14px; }
        </style>
        </head>
        <body>
        <h1>\(escape(title))</h1>

        """
        if !sources.isEmpty { html += table(sources) }
        html += "<h2>Summary</h2>\n" + table(report.summary)
        if !report.notes.isEmpty {
            html += "<ul class=\"notes\">\n" + report.notes.map { "<li>\(escape($0))</li>\n" }.joined() + "</ul>\n"
        }
        html += section("Training", try ReportFigures.loss(report),
                        "Mean negative log-likelihood per event in the latent space on the training and validation splits; the model keeps the weights of the marked epoch.")
        html += section("1-D marginals", try ReportFigures.marginals(report),
                        "Data (red) against events sampled from the model (black) at the data's θ points, normalised to unit area; bands show the statistical uncertainty of each. Lower panels: model/data, with the data's relative uncertainty as the red band around 1.")
        if !report.pairs.isEmpty {
            html += section("2-D marginals: data", try ReportFigures.pairs(report, .data),
                            "Fraction of the data in each bin (log scale); white bins are empty.")
            html += section("2-D marginals: model", try ReportFigures.pairs(report, .model),
                            "Fraction of the model events in each bin (log scale); white bins are empty.")
            html += section("Pull on the ratio model/data", try ReportFigures.pairs(report, .pull),
                            "Eq. (10): (r − 1)/Δr with r = p_model/p_data and Δr its statistical uncertainty. White: no entries; black: model events where the data have none.")
        }
        if let latent = report.latent {
            html += section("Latent space: mixture components", try ReportFigures.latent(latent),
                            "Latent density of the first observable, \(escape(latent.observable)): the model's Gaussian mixture (black) and its components (thin lines), against the data's projected values (red). Lower panel: data/model per bin.")
        }
        if let scan = report.thetaScan {
            html += "<h2>Dependence on θ</h2>\n<p>Each marginal at every θ point as a ratio to the reference θ = \(escape(ReportFormat.theta(scan.reference))): data (red points) and the model by importance sampling (black, grey band: statistical uncertainty) — \(scan.modelSamples) model events drawn at the reference θ and weighted by p(x|θ)/p(x|θ_ref).</p>\n"
            for i in report.observables.indices {
                html += figure(try ReportFigures.thetaScan(report, scan, observable: i),
                               caption: "\(escape(report.observables[i])): p(x|θ)/p(x|θ_ref) across the θ points (\(escape(scan.parameterNames.joined(separator: ", "))))")
            }
        }
        html += "</body>\n</html>\n"
        return html
    }

    static func section(_ heading: String, _ figure: Figure, _ caption: String) -> String {
        "<h2>\(escape(heading))</h2>\n" + ValidationReportHTML.figure(figure, caption: caption)
    }

    static func figure(_ figure: Figure, caption: String) -> String {
        "<figure>\n" + figure.svg + "<figcaption>\(caption)</figcaption>\n</figure>\n"
    }

    static func table(_ rows: [SummaryRow]) -> String {
        "<table>\n" + rows.map { "<tr><th>\(escape($0.name))</th><td>\(escape($0.value))</td></tr>\n" }.joined() + "</table>\n"
    }

    static func escape(_ text: String) -> String { SVGWriter.escape(text) }
}
