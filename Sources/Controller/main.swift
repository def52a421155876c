// The controller arrives with its own issue; until then the binary states what it is.
print("flowtest-controller: the FlowTest controller (not yet implemented in this build)")
