# A rotation is imported by its two key IDs, `<id1>,<id2>`; the more recently modified key becomes the active one.
terraform import tencentcloud_api_gateway_api_key_rotation.orders 'AKIDxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,AKIDyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy'
