import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses XML text with Foundation's XMLParser, collecting element names, their attributes and
/// the text content.
final class XMLCollector: NSObject, XMLParserDelegate {
    private(set) var elements: [(name: String, attributes: [String: String])] = []
    private(set) var text = ""
    private(set) var parseError: String?

    /// Parses `xml`; returns nil if it is well-formed, else the parser's error.
    static func parse(_ xml: String) -> XMLCollector {
        let collector = XMLCollector()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = collector
        if !parser.parse() { collector.parseError = collector.parseError ?? String(describing: parser.parserError) }
        return collector
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
                attributes attributeDict: [String: String] = [:]) {
        elements.append((elementName, attributeDict))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        text += "\n"
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { self.parseError = String(describing: parseError) }

    /// The elements named `name`.
    func named(_ name: String) -> [[String: String]] { elements.filter { $0.name == name }.map(\.attributes) }
}
