// Actors assembly: see docs/CLUSTER.md once written.
namespace DeepTrain.Actors;
