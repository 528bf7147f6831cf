/// The GMMKit module: density model, projection, training, file formats, toy.
public enum GMMKit {}
