namespace DeepTrain.Model;

/// <summary>
/// An error a user can cause (bad file, bad option, bad value). The launcher catches this type once,
/// prints <see cref="Exception.Message"/> as one line on stderr and exits with code 2.
/// Messages name the offending field or value.
/// </summary>
public class UserError(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A network definition (zoo name, JSON file, layer shapes) is invalid.</summary>
public sealed class WorkloadError(string message, Exception? inner = null) : UserError(message, inner);

/// <summary>An architecture or GPU spec is missing a field, negative, or inconsistent.</summary>
public sealed class SpecError(string message, Exception? inner = null) : UserError(message, inner);

/// <summary>An accuracy oracle failed (unknown mask, program crash, bad output).</summary>
public class OracleError(string message, Exception? inner = null) : UserError(message, inner);
