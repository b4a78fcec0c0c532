// Report rendering assembly.
namespace DeepTrain.Reports;
