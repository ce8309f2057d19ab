import CYAML

/// Builds the `YAMLNode` tree from libyaml's events for `YAMLReader`: anchors, aliases and bounds.
struct YAMLTreeBuilder {
  /// An open container. Its children are appended in place (`stack[last]`), so that each
  /// append is amortised O(1): taking the frame off the stack and putting it back copied the
  /// array every time, which made a mapping of n keys cost O(n²).
  struct Frame {
    var isMapping: Bool
    var items: [YAMLNode] = []
    var pairs: [(key: YAMLNode, value: YAMLNode)] = []
    var pendingKey: YAMLNode?
    var mark: SourceMark
    var anchor: String?
  }

  var stack: [Frame] = []
  /// The expanded size of each open container, so that aliases count what they stand for.
  var frameSizes: [Int] = []
  /// The height of each open container's tallest child so far, so that an alias cannot carry
  /// nesting past the limit.
  var frameHeights: [Int] = []
  var anchors: [String: (node: YAMLNode, size: Int, height: Int)] = [:]
  var root: YAMLNode?
  var documents = 0
  var nodeCount = 0

  static func string(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
    pointer.map { String(cString: $0) }
  }

  mutating func handle(_ event: inout yaml_event_t) throws(YAMLError) {
    let mark = SourceMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
    switch event.type {
    case YAML_DOCUMENT_START_EVENT:
      documents += 1
      if documents > 1 {
        throw YAMLError(mark: mark, message: "a second YAML document; the manifest must be one document")
      }
    case YAML_SEQUENCE_START_EVENT:
      try push(mark)
      frameSizes.append(1)
      frameHeights.append(0)
      stack.append(Frame(isMapping: false, mark: mark, anchor: Self.string(event.data.sequence_start.anchor)))
    case YAML_MAPPING_START_EVENT:
      try push(mark)
      frameSizes.append(1)
      frameHeights.append(0)
      stack.append(Frame(isMapping: true, mark: mark, anchor: Self.string(event.data.mapping_start.anchor)))
    case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
      guard let frame = stack.popLast(), let size = frameSizes.popLast(), let height = frameHeights.popLast() else {
        return
      }
      let node: YAMLNode = frame.isMapping ? .mapping(frame.pairs, frame.mark) : .sequence(frame.items, frame.mark)
      try add(node, anchor: frame.anchor, size: size, height: height + 1, counted: true)
    case YAML_SCALAR_EVENT:
      let scalar = event.data.scalar
      let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: Int(scalar.length)), as: UTF8.self)
      let plain = scalar.style == YAML_PLAIN_SCALAR_STYLE && scalar.tag == nil
      try add(.scalar(text, plain: plain, mark), anchor: Self.string(scalar.anchor), size: 1, height: 0)
    case YAML_ALIAS_EVENT:
      let name = Self.string(event.data.alias.anchor) ?? ""
      guard let target = anchors[name] else {
        throw YAMLError(mark: mark, message: "unknown alias '*\(name)'")
      }
      if stack.count + target.height > YAMLReader.maximumDepth {
        throw YAMLError(mark: mark, message: "the alias '*\(name)' nests deeper than \(YAMLReader.maximumDepth) levels")
      }
      try add(target.node, anchor: nil, size: target.size, height: target.height)
    default:
      break
    }
  }

  mutating func push(_ mark: SourceMark) throws(YAMLError) {
    if stack.count >= YAMLReader.maximumDepth {
      throw YAMLError(mark: mark, message: "nesting deeper than \(YAMLReader.maximumDepth) levels")
    }
  }

  /// Adds a finished node to its parent; `counted` when its size was already added child by child.
  mutating func add(_ node: YAMLNode, anchor: String?, size: Int, height: Int, counted: Bool = false) throws(YAMLError)
  {
    if !counted { nodeCount += size }
    if !frameSizes.isEmpty {
      frameSizes[frameSizes.count - 1] += size
      frameHeights[frameHeights.count - 1] = max(frameHeights[frameHeights.count - 1], height)
    }
    if nodeCount > YAMLReader.maximumNodes {
      throw YAMLError(mark: node.mark, message: "the document expands to more than \(YAMLReader.maximumNodes) nodes")
    }
    if let anchor { anchors[anchor] = (node, size, height) }
    let top = stack.count - 1
    guard top >= 0 else {
      root = node
      return
    }
    if !stack[top].isMapping {
      stack[top].items.append(node)
    } else if let key = stack[top].pendingKey {
      stack[top].pairs.append((key, node))
      stack[top].pendingKey = nil
    } else {
      stack[top].pendingKey = node
    }
  }
}
