// Built-in trainer assembly.
namespace DeepTrain.Training;
