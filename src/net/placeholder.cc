// Placeholder so the vsb_net layer has a source; removed when the layer has real files.
namespace vsb::net {}
